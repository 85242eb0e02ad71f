import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "../support/schema.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `node bin/hearsay.js ...` process still running (subscribe). */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  readonly done: Promise<CliResult>;
  /** Resolves once stderr or stdout contains `text`; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [join(REPO, "bin/hearsay.js"), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, HEARSAY_TOKEN: "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.once("close", (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    async waitFor(text, timeoutMs = 10_000) {
      const start = Date.now();
      while (!stdout.includes(text) && !stderr.includes(text)) {
        if (child.exitCode !== null || Date.now() - start > timeoutMs) {
          throw new Error(`"${text}" not seen; stdout: ${stdout}; stderr: ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs the CLI to completion (killed after `timeoutMs`); `input` is written to its stdin. */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const p = startCli(args, opts.env);
  p.child.stdin!.end(opts.input ?? "");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
  const r = await p.done;
  clearTimeout(timer);
  return r;
}

export async function until(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

import { spawn } from "node:child_process";

export interface ExecOptions {
  /** Shell command, run as /bin/sh -c COMMAND. */
  command: string;
  /** Added to the watcher's own environment. */
  env: Record<string, string>;
  /** Written to the command's stdin, which is then closed. */
  stdin: string;
  /** Killed (SIGTERM to its process group, SIGKILL killGraceMs later) after this long, ms. */
  timeoutMs: number;
  /** @default 2000 */
  killGraceMs?: number;
}

export type ExecResult =
  | { kind: "exited"; code: number; durationMs: number }
  | { kind: "signaled"; signal: string; durationMs: number }
  | { kind: "timed-out"; durationMs: number }
  | { kind: "spawn-failed"; error: string; durationMs: number };

/** Whether a command run counts as a success (exit code 0). */
export const succeeded = (r: ExecResult) => r.kind === "exited" && r.code === 0;

/** One line describing a result, for the watch log. */
export function describeResult(r: ExecResult): string {
  switch (r.kind) {
    case "exited":
      return `exit code ${r.code} after ${r.durationMs} ms`;
    case "signaled":
      return `killed by ${r.signal} after ${r.durationMs} ms`;
    case "timed-out":
      return `timed out after ${r.durationMs} ms (killed)`;
    case "spawn-failed":
      return `could not start: ${r.error}`;
  }
}

/**
 * Runs a command through /bin/sh in its own process group (so a timeout
 * kills its children too), stdout and stderr passed through. Never rejects.
 * `abort` kills it the same way a timeout does (the watcher shutting down).
 */
export function runCommand(opts: ExecOptions, abort?: AbortSignal): Promise<ExecResult> {
  const start = Date.now();
  const elapsed = () => Date.now() - start;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn("/bin/sh", ["-c", opts.command], {
        stdio: ["pipe", "inherit", "inherit"],
        env: { ...process.env, ...opts.env },
        detached: true,
      });
    } catch (err) {
      resolve({ kind: "spawn-failed", error: (err as Error).message, durationMs: elapsed() });
      return;
    }
    let timedOut = false;
    let killTimer: NodeJS.Timeout | null = null;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const terminate = () => {
      killGroup("SIGTERM");
      killTimer ??= setTimeout(() => killGroup("SIGKILL"), opts.killGraceMs ?? 2_000);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      terminate();
    }, opts.timeoutMs);
    abort?.addEventListener("abort", terminate, { once: true });
    // A command that does not read its stdin closes the pipe early: not an error.
    child.stdin!.on("error", () => {});
    child.stdin!.end(opts.stdin);
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve({ kind: "spawn-failed", error: err.message, durationMs: elapsed() });
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      abort?.removeEventListener("abort", terminate);
      // The shell is gone; finish off anything of its group the SIGTERM left.
      if (killTimer !== null) {
        clearTimeout(killTimer);
        killGroup("SIGKILL");
      }
      const durationMs = elapsed();
      if (timedOut) resolve({ kind: "timed-out", durationMs });
      else if (code !== null) resolve({ kind: "exited", code, durationMs });
      else resolve({ kind: "signaled", signal: signal ?? "unknown", durationMs });
    });
  });
}

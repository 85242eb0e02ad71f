// A child process run inside a host's namespace (`ip netns exec NS ...`, which
// execs, so the pid is the program's own), its output appended to a log file
// and split into lines. Every process is tracked, so nothing outlives the test.
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** How long a process gets to exit after SIGTERM before SIGKILL, ms. */
const EXIT_GRACE_MS = 10_000;
/** Lines kept for error messages. */
const TAIL_LINES = 40;

export interface ProcOptions {
  readonly name: string;
  /** Namespace to run in. */
  readonly ns: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Every stdout and stderr line is appended here. */
  readonly logFile: string;
  readonly onLine?: (line: string) => void;
}

const live = new Set<Proc>();

export class Proc {
  readonly name: string;
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private exitCode: number | null | undefined = undefined;

  constructor(opts: ProcOptions) {
    this.name = opts.name;
    this.child = spawn("ip", ["netns", "exec", opts.ns, opts.command, ...opts.args], {
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    live.add(this);
    this.exited = new Promise<number | null>((resolve) => {
      this.child.once("exit", (code, sig) => resolve(code ?? (sig ? -1 : null)));
      this.child.once("error", () => resolve(-2));
    }).then((code) => {
      this.exitCode = code;
      live.delete(this);
      return code;
    });
    // A child that exits early must not crash the driver with EPIPE.
    this.child.stdin!.on("error", () => {});
    const onLine = (line: string): void => {
      appendFileSync(opts.logFile, `${Date.now()} ${line}\n`);
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      opts.onLine?.(line);
    };
    createInterface({ input: this.child.stdout! }).on("line", onLine);
    createInterface({ input: this.child.stderr! }).on("line", onLine);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  lastOutput(): string {
    return this.tail.join("\n");
  }

  /** Writes one line to the process's stdin. */
  send(line: string): void {
    if (this.running) this.child.stdin!.write(`${line}\n`);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.running) this.child.kill(sig);
  }

  /** Sends `sig`, then SIGKILL if it has not exited within the grace period; resolves with the exit code. */
  async stop(sig: NodeJS.Signals = "SIGTERM", graceMs = EXIT_GRACE_MS): Promise<number | null> {
    this.signal(sig);
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** SIGKILLs every tracked process still running and waits (bounded) for them. */
export async function killAllProcs(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop("SIGKILL", 2_000)));
}

/** Synchronous last resort for a process "exit" handler. */
export function killAllProcsNow(): void {
  for (const p of live) p.signal("SIGKILL");
}

// Child processes (serf and hearsay agents) with their output split into
// lines, tracked in one registry so nothing outlives the bench: normal end,
// error or Ctrl-C all end in killAll().
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** How long a process gets to exit after a signal before SIGKILL. */
const EXIT_GRACE_MS = 5_000;

export interface ChildOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Called for every stdout and stderr line with its arrival time (performance.now()). */
  readonly onLine?: (line: string, atMs: number) => void;
}

export class Child {
  readonly name: string;
  readonly exited: Promise<void>;
  private readonly proc: ChildProcess;
  private readonly tail: string[] = [];
  private alive = true;

  constructor(opts: ChildOptions) {
    this.name = opts.name;
    this.proc = spawn(opts.command, [...opts.args], { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    live.add(this);
    this.exited = new Promise<void>((resolve) => {
      this.proc.once("exit", () => resolve());
      this.proc.once("error", () => resolve());
    }).then(() => {
      this.alive = false;
      live.delete(this);
    });
    const onLine = (line: string): void => {
      const atMs = performance.now();
      this.tail.push(line);
      if (this.tail.length > 30) this.tail.shift();
      opts.onLine?.(line, atMs);
    };
    createInterface({ input: this.proc.stdout! }).on("line", onLine);
    createInterface({ input: this.proc.stderr! }).on("line", onLine);
  }

  get running(): boolean {
    return this.alive;
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  lastOutput(): string {
    return this.tail.join("\n");
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.proc.kill(sig);
  }

  /** Sends `sig`, then SIGKILL if the process has not exited after the grace period. */
  async stop(sig: NodeJS.Signals = "SIGTERM"): Promise<void> {
    this.signal(sig);
    const timer = setTimeout(() => this.signal("SIGKILL"), EXIT_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** VmRSS and VmHWM in bytes, from /proc/PID/status. */
  memory(): { rss: number; hwm: number } {
    const s = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  }
}

const live = new Set<Child>();

/** SIGKILLs every child still running and waits for them to exit. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop("SIGKILL")));
}

/** Synchronous last resort (process "exit" handler): SIGKILL, no waiting. */
export function killAllNow(): void {
  for (const c of live) c.signal("SIGKILL");
}

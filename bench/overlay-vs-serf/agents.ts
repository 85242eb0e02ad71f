// Agent child processes: spawned with their stdout split into lines, and all
// tracked in one registry so that nothing outlives the bench (normal end,
// error or Ctrl-C).
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** How long a process gets to exit after a signal before SIGKILL. */
const EXIT_GRACE_MS = 8_000;

export interface AgentProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Called for every stdout line, with its arrival time (performance.now()). */
  readonly onLine: (line: string, atMs: number) => void;
}

export class AgentProcess {
  readonly name: string;
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  /** Last lines of stdout and stderr, for error messages. */
  private readonly tail: string[] = [];
  private alive = true;

  constructor(opts: AgentProcessOptions) {
    this.name = opts.name;
    this.child = spawn(opts.command, [...opts.args], {
      cwd: opts.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this);
    this.exited = new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.once("error", () => resolve());
    }).then(() => {
      this.alive = false;
      live.delete(this);
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      const atMs = performance.now();
      this.keep(line);
      opts.onLine(line, atMs);
    });
    createInterface({ input: this.child.stderr! }).on("line", (line) => this.keep(line));
  }

  get running(): boolean {
    return this.alive;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Last lines of output, for diagnosing a failed start. */
  lastOutput(): string {
    return this.tail.join("\n");
  }

  private keep(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }

  /** Sends `sig`, then SIGKILL if the process has not exited after the grace period. */
  async stop(sig: NodeJS.Signals = "SIGKILL"): Promise<void> {
    this.signal(sig);
    const timer = setTimeout(() => this.signal("SIGKILL"), EXIT_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}

const live = new Set<AgentProcess>();

/** SIGKILLs every agent still running and waits for them to exit. */
export async function killAllAgents(): Promise<void> {
  const all = [...live];
  await Promise.all(all.map((a) => a.stop("SIGKILL")));
}

/** Synchronous last resort (process "exit" handler): SIGKILL, no waiting. */
export function killAllAgentsNow(): void {
  for (const a of live) a.signal("SIGKILL");
}

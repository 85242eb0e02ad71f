// Child processes of the pipeline demo: started with a role name, their
// stdout lines echoed (prefixed) and kept, awaited by pattern, stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { say } from "./common.js";

interface Waiter {
  re: RegExp;
  from: number;
  resolve: (line: string) => void;
}

export class Proc {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly waiters: Waiter[] = [];
  private readonly group: boolean;
  private stderr = "";

  constructor(
    readonly label: string,
    command: string[],
    cwd: string,
    opts: { env?: NodeJS.ProcessEnv; echo?: boolean; group?: boolean } = {},
  ) {
    const [cmd, ...args] = command;
    this.group = opts.group ?? false;
    this.child = spawn(cmd!, args, {
      cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: this.group,
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      this.lines.push(line);
      if (opts.echo ?? true) say(`  [${label}] ${line}`);
      const at = this.lines.length - 1;
      for (const w of [...this.waiters]) {
        if (at >= w.from && w.re.test(line)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
  }

  /** Index of the next line to come: pass it to waitFor to ignore what was printed before. */
  get mark(): number {
    return this.lines.length;
  }

  /** The first line from index `from` on (printed or coming) matching `re`, within `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w: Waiter = { re, from, resolve: () => {} };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(
          new Error(`${this.label}: no line matching ${re} within ${timeoutMs} ms; stderr: ${this.stderr}`),
        );
      }, timeoutMs);
      w.resolve = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push(w);
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `signal` (to the whole process group when started as one), SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
    if (!this.running) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (this.group) process.kill(-this.child.pid!, sig);
        else this.child.kill(sig);
      } catch {
        // already gone
      }
    };
    kill(signal);
    const timer = setTimeout(() => kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

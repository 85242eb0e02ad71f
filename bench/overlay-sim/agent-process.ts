// One real `hearsay agent` child process: started, awaited until its JSON
// "ready" line, measured through /proc, and stopped.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

export interface Ready {
  gossip: string;
  grpc: string;
}

export class Agent {
  readonly ready: Promise<Ready>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly tail: string[] = [];

  constructor(root: string, name: string, join: string | null, readyTimeoutMs: number) {
    const args = [
      "bin/hearsay.js",
      "agent",
      "--name",
      name,
      "--bind",
      "127.0.0.1:0",
      "--grpc",
      "127.0.0.1:0",
    ];
    if (join !== null) args.push("--join", join);
    this.child = spawn(process.execPath, [...GATEWAY_NODE_FLAGS, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    createInterface({ input: this.child.stderr! }).on("line", (l) => this.keep(l));
    this.ready = new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: no ready line in ${readyTimeoutMs} ms\n${this.lastOutput()}`)),
        readyTimeoutMs,
      );
      void this.exited.then(() => reject(new Error(`${name} exited before ready\n${this.lastOutput()}`)));
      createInterface({ input: this.child.stdout! }).on("line", (line) => {
        this.keep(line);
        const r = parseReady(line);
        if (r === null) return;
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resident and peak resident set, in bytes, from /proc/PID/status. */
  rss(): { rss: number; hwm: number } {
    const s = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const kb = (key: string): number =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  }

  /** SIGTERM (graceful leave), SIGKILL after `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  lastOutput(): string {
    return this.tail.join("\n");
  }

  private keep(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
  }
}

function parseReady(line: string): Ready | null {
  try {
    const j = JSON.parse(line) as { msg?: string; gossip?: string; grpc?: string };
    return j.msg === "ready" && j.gossip !== undefined && j.grpc !== undefined
      ? { gossip: j.gossip, grpc: j.grpc }
      : null;
  } catch {
    return null;
  }
}

// One gateway process of the backfill bench: the metrics-printing agent
// (agent.ts) or, with cliAgent, `bin/hearsay.js agent` itself; awaited until
// its JSON "ready" line, measured through /proc (CPU time, RSS) and asked for
// its counters on SIGUSR2.
import { readFileSync } from "node:fs";
import { Child } from "../bus/processes.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on Linux). */
const CLK_TCK = 100;
/** How long a SIGUSR2 gets to be answered with a metrics line. */
const METRICS_TIMEOUT_MS = 2_000;

export interface Ready {
  gossip: string;
  grpc: string;
}

export type Counters = Record<string, number>;

export class BenchGateway {
  readonly child: Child;
  readonly ready: Promise<Ready>;
  private onMetrics: ((c: Counters) => void) | null = null;

  constructor(
    readonly name: string,
    root: string,
    join: string | null,
    readyTimeoutMs: number,
    readonly cliAgent: boolean,
  ) {
    const args = cliAgent
      ? [...GATEWAY_NODE_FLAGS, "bin/hearsay.js", "agent", "--name", name, "--profile", "local"]
      : [...GATEWAY_NODE_FLAGS, "dist/bench/backfill/agent.js", name];
    if (cliAgent) {
      args.push("--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0");
      if (join !== null) args.push("--join", join);
    } else {
      args.push("127.0.0.1:0", "127.0.0.1:0");
      if (join !== null) args.push(join);
    }
    let onReady: (r: Ready) => void = () => {};
    this.child = new Child({
      name,
      command: process.execPath,
      args,
      cwd: root,
      onLine: (line) => {
        if (!line.startsWith("{")) return;
        if (line.includes('"bench-metrics"')) return this.metricsLine(line);
        const r = parseReady(line);
        if (r !== null) onReady(r);
      },
    });
    this.ready = new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: no ready line in ${readyTimeoutMs} ms\n${this.child.lastOutput()}`)),
        readyTimeoutMs,
      );
      onReady = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      void this.child.exited.then(() =>
        reject(new Error(`${name} exited before ready\n${this.child.lastOutput()}`)),
      );
    });
  }

  get pid(): number {
    return this.child.pid;
  }

  /** User + system CPU seconds the process has used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command: state is index 0, utime index 11, stime index 12.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  }

  /** VmRSS and VmHWM, bytes. */
  memory(): { rss: number; hwm: number } {
    return this.child.memory();
  }

  /** The agent's counters (null for the CLI agent, or when it did not answer in time). */
  async counters(): Promise<Counters | null> {
    if (this.cliAgent || !this.child.running) return null;
    return new Promise<Counters | null>((resolve) => {
      const timer = setTimeout(() => {
        this.onMetrics = null;
        resolve(null);
      }, METRICS_TIMEOUT_MS);
      this.onMetrics = (c) => {
        clearTimeout(timer);
        this.onMetrics = null;
        resolve(c);
      };
      this.child.signal("SIGUSR2");
    });
  }

  private metricsLine(line: string): void {
    try {
      const j = JSON.parse(line) as { counters?: Counters };
      this.onMetrics?.(j.counters ?? {});
    } catch {
      // a torn line: the caller's bound answers null
    }
  }
}

function parseReady(line: string): Ready | null {
  if (!line.includes('"ready"')) return null;
  try {
    const j = JSON.parse(line) as { msg?: string; gossip?: string; grpc?: string };
    return j.msg === "ready" && typeof j.gossip === "string" && typeof j.grpc === "string"
      ? { gossip: j.gossip, grpc: j.grpc }
      : null;
  } catch {
    return null;
  }
}

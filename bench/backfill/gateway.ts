// One gateway process of the backfill bench: the metrics-printing agent
// (agent.ts) or, with cliAgent, `bin/hearsay.js agent` itself; awaited until
// its JSON "ready" line, measured through /proc (CPU time, RSS) and asked for
// its counters on SIGUSR2.
import { cpuSecondsOf, parseReady, readyWhen, type GatewayReady } from "../bus/gateways.js";
import { Child } from "../bus/processes.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

/** How long a SIGUSR2 gets to be answered with a metrics line. */
const METRICS_TIMEOUT_MS = 2_000;

export type Ready = GatewayReady;

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
    this.ready = readyWhen(this.child, name, readyTimeoutMs, (fn) => (onReady = fn));
  }

  get pid(): number {
    return this.child.pid;
  }

  /** User + system CPU seconds the process has used so far. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
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

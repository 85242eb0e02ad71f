/**
 * Metrics and logs go through these small interfaces; the agent wires
 * prom-client and pino, tests pass counters they can assert on.
 */
import type { Logger } from "./logger.js";

export interface Metrics {
  /** Monotonic counter, e.g. ("overlay_packets_dropped_total", { reason: "decrypt" }). */
  inc(name: string, labels?: Record<string, string>, by?: number): void;
  /** Point-in-time value, e.g. ("overlay_health_score"). */
  gauge(name: string, value: number, labels?: Record<string, string>): void;
}

export const nullMetrics: Metrics = { inc() {}, gauge() {} };

/** In-memory Metrics for tests and the admin API: counters keyed "name{k=v,...}". */
export class MemoryMetrics implements Metrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();

  inc(name: string, labels?: Record<string, string>, by = 1): void {
    const k = key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + by);
  }

  gauge(name: string, value: number, labels?: Record<string, string>): void {
    this.gauges.set(key(name, labels), value);
  }

  /** Counter value; 0 if never incremented. */
  get(name: string, labels?: Record<string, string>): number {
    return this.counters.get(key(name, labels)) ?? 0;
  }
}

function key(name: string, labels?: Record<string, string>): string {
  if (labels === undefined) return name;
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return `${name}{${parts.join(",")}}`;
}

/**
 * Logs at most `perWindow` lines per `windowMs` for each message, then
 * counts the rest; a flood of bad packets must not flood the log.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly perWindow = 5,
    private readonly windowMs = 60_000,
  ) {}

  warn(msg: string, fields?: Record<string, unknown>): void {
    const t = this.now();
    let w = this.windows.get(msg);
    if (w === undefined || t - w.start >= this.windowMs) {
      if (this.windows.size > 256) this.windows.clear();
      w = { start: t, n: 0 };
      this.windows.set(msg, w);
    }
    if (w.n++ < this.perWindow) this.log.warn(msg, fields);
  }
}

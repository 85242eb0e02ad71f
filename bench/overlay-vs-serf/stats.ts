// Order statistics of one (system, channel, size, metric) series.
import type { Sample } from "./scenarios.js";

export interface Summary {
  /** Completed runs. */
  readonly n: number;
  /** Runs that timed out or failed. */
  readonly timeouts: number;
  readonly medianMs: number | null;
  readonly minMs: number | null;
  readonly maxMs: number | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly Sample[]): Summary {
  const done = samples.map((s) => s.ms).filter((ms): ms is number => ms !== null);
  return {
    n: done.length,
    timeouts: samples.length - done.length,
    medianMs: median(done),
    minMs: done.length ? Math.min(...done) : null,
    maxMs: done.length ? Math.max(...done) : null,
  };
}

/** a / b of two medians, or null when either is missing. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | null {
  if (!a || !b || a.medianMs === null || b.medianMs === null || b.medianMs === 0) return null;
  return a.medianMs / b.medianMs;
}

/** Reconnect timing of streams (subscribe, watchMembers). */
export interface ReconnectOptions {
  /** First delay after a failure, ms. @default 100 */
  initialDelayMs?: number;
  /** Delays double up to this, ms. @default 5000 */
  maxDelayMs?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based):
 * d = min(maxDelayMs, initialDelayMs x 2^attempt), drawn uniformly from [d/2, d]
 * so clients cut off together do not come back together.
 */
export function backoffDelayMs(attempt: number, opts: ReconnectOptions = {}, random = Math.random): number {
  const initial = opts.initialDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5_000;
  const d = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + random() * (d / 2));
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

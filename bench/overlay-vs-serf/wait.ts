// Bounded waiting helpers: every wait in the bench has a deadline.

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `attempt` every `intervalMs` until it succeeds, `giveUp()` returns a
 * reason, or `timeoutMs` passes; then throws with the last error.
 */
export async function retry<T>(
  what: string,
  attempt: () => Promise<T>,
  opts: { timeoutMs: number; intervalMs?: number; giveUp?: () => string | null },
): Promise<T> {
  const deadline = performance.now() + opts.timeoutMs;
  let last: unknown = null;
  while (performance.now() < deadline) {
    const reason = opts.giveUp?.() ?? null;
    if (reason !== null) throw new Error(`${what}: ${reason}`);
    try {
      return await attempt();
    } catch (err) {
      last = err;
    }
    await sleep(opts.intervalMs ?? 100);
  }
  throw new Error(`${what}: timed out after ${opts.timeoutMs} ms (${String(last)})`);
}

/** Runs `fn` over `items`, at most `size` at a time, in order of batches. */
export async function inBatches<T>(
  items: readonly T[],
  size: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

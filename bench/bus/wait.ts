// Bounded waiting: every wait in the bench has a deadline.
import { createServer } from "node:net";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every `intervalMs` until it holds (true) or `timeoutMs` passes (false). */
export async function waitFor(done: () => boolean, timeoutMs: number, intervalMs = 20): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= end) return false;
    await sleep(intervalMs);
  }
  return true;
}

/**
 * Calls `attempt` every `intervalMs` until it succeeds or `timeoutMs` passes;
 * then throws with the last error.
 */
export async function retry<T>(
  what: string,
  attempt: () => Promise<T>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown = null;
  while (performance.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      last = err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`${what}: timed out after ${timeoutMs} ms (${String(last)})`);
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; serf then binds UDP and TCP on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

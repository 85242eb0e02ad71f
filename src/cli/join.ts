import type { Logger } from "../logging/index.js";
import type { Overlay } from "../overlay/index.js";

/** First retry after 1 s, doubling up to 30 s, until one seed answers. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * Joins through the seeds, retrying with backoff until at least one answers
 * (seeds may start after us). Returns a function that stops retrying.
 */
export function retryJoin(overlay: Overlay, seeds: string[], log: Logger): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = (delayMs: number) => {
    overlay.join(seeds, (r) => {
      if (stopped) return;
      if (r.contacted > 0) {
        log.info("joined", { via: r.contacted, seeds: seeds.length, members: overlay.liveMembers().length });
        return;
      }
      log.warn("join failed; will retry", {
        retryInMs: delayMs,
        errors: r.errors.map((e) => `${e.seed}: ${e.error}${e.message ? ` (${e.message})` : ""}`),
      });
      timer = setTimeout(() => attempt(Math.min(delayMs * 2, MAX_RETRY_MS)), delayMs);
      timer.unref();
    });
  };
  if (seeds.length > 0) attempt(FIRST_RETRY_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

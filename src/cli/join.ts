import type { SeedSpec } from "../config/index.js";
import { type DnsClient, resolveSeeds } from "../discovery/index.js";
import type { Logger } from "../observe/index.js";
import type { Overlay } from "../overlay/index.js";
import type { Clock, TimerHandle } from "../transport/index.js";

/** First retry after 1 s, doubling up to 30 s, until one seed answers. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** Where to join: configured seeds (DNS names resolved again on every attempt) and remembered peers. */
export interface JoinPlan {
  seeds: SeedSpec[];
  /** Addresses of the peer snapshot of the previous run (the data dir). */
  snapshot: string[];
  dns: DnsClient;
}

/**
 * Joins through the seeds and snapshot peers, retrying with backoff until at least one answers (seeds
 * may start after us). Without configured seeds, retrying stops as soon as this node is in a cluster
 * some other way (multicast, or another node joining it). Returns a function that stops retrying.
 */
export function retryJoin(overlay: Overlay, plan: JoinPlan, clock: Clock, log: Logger): () => void {
  let stopped = false;
  let timer: TimerHandle | undefined;
  const snapshotOnly = plan.seeds.length === 0;
  const clustered = () => overlay.liveMembers().length > 1;
  const attempt = async (delayMs: number) => {
    if (snapshotOnly && clustered()) return;
    const resolved = await resolveSeeds(plan.seeds, plan.dns);
    if (stopped) return;
    const addresses = [...new Set([...resolved.addresses, ...plan.snapshot])];
    const failed = (errors: string[]) => {
      if (snapshotOnly && clustered()) return;
      log.warn("join failed; will retry", { retryInMs: delayMs, errors });
      timer = clock.setTimer(delayMs, () => void attempt(Math.min(delayMs * 2, MAX_RETRY_MS)));
    };
    if (addresses.length === 0) return failed(resolved.errors);
    overlay.join(addresses, (r) => {
      if (stopped) return;
      if (r.contacted > 0) {
        log.info("joined", {
          via: r.contacted,
          seeds: addresses.length,
          members: overlay.liveMembers().length,
        });
        return;
      }
      failed([
        ...resolved.errors,
        ...r.errors.map((e) => `${e.seed}: ${e.error}${e.message ? ` (${e.message})` : ""}`),
      ]);
    });
  };
  if (plan.seeds.length > 0 || plan.snapshot.length > 0) {
    if (plan.snapshot.length > 0)
      log.info("rejoining peers from the snapshot", { peers: plan.snapshot.length });
    void attempt(FIRST_RETRY_MS);
  }
  return () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimer(timer);
  };
}

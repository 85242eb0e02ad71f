import {
  DEFAULT_RETENTION,
  FileLogStore,
  MemoryLogStore,
  type LogStore,
  type RetentionLimits,
} from "../bus/index.js";
import type { Logger } from "../observe/index.js";
import type { Clock, Rng } from "../transport/index.js";

/**
 * The node's retention log: the one its host gives (a data dir's FileLogStore,
 * or the simulator's MemoryLogStore surviving a restart "with its data dir"),
 * else a new in-memory log with a new epoch, so a node without a data dir
 * never reuses the sequence numbers of a previous run (issue #15). Either way
 * a log created now is said in the log, since its streams start again from 1.
 */
export function nodeStore(
  given: LogStore | undefined,
  retention: RetentionLimits | undefined,
  deps: { clock: Clock; rng: Rng; log: Logger },
): { store: LogStore; created: boolean } {
  if (given !== undefined) {
    if (given instanceof FileLogStore && given.created) {
      deps.log.info("bus: new log epoch", { epoch: given.epoch, store: "file", dir: given.dir });
    }
    return { store: given, created: false };
  }
  const store = new MemoryLogStore(retention ?? DEFAULT_RETENTION, newEpoch(deps.clock.nowMs(), deps.rng));
  deps.log.info("bus: new log epoch", {
    epoch: store.epoch,
    store: "memory",
    note: "no data dir: digests published here are retained in memory only",
  });
  return { store, created: true };
}

/**
 * The bus's epoch rule (src/bus/log-store.ts `newEpoch`, not yet on the bus's
 * index.ts): creation time in ms x 1024 + a random 1..1023, so an origin's
 * epochs grow with its clock and never equal LEGACY_EPOCH (1) after 1970.
 */
function newEpoch(nowMs: number, rng: Rng): number {
  return Math.max(0, Math.floor(nowMs)) * 1024 + 1 + rng.int(1023);
}

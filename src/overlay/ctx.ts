import type { Address, Clock, Rng } from "../transport/index.js";
import type { Awareness } from "./awareness.js";
import type { BroadcastQueue } from "./broadcast-queue.js";
import type { OverlayConfig } from "./config.js";
import type { Events } from "./events.js";
import type { Member, MemberTable } from "./members.js";
import type { Message } from "./messages.js";
import type { Logger, Metrics, RateLimitedLog } from "../observe/index.js";
import type { Wire } from "./wire.js";

/** What the overlay's parts (state, probe, push-pull) share. Internal; not exported from index. */
export interface Ctx {
  readonly cfg: OverlayConfig;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
  readonly rlog: RateLimitedLog;
  readonly metrics: Metrics;
  readonly table: MemberTable;
  readonly broadcasts: BroadcastQueue;
  readonly awareness: Awareness;
  readonly wire: Wire;
  readonly events: Events;
  readonly self: Member;
  /** Set once leave() starts; we then stop refuting our own death. */
  leaving: boolean;
  /** Sends `msgs` as one datagram, filling the rest of the budget with queued broadcasts. */
  send(to: Address, msgs: Message[]): void;
  /** Queues news about `node` for gossip (replacing older news about it). */
  broadcast(node: string, msg: Message, onDone?: () => void): void;
}

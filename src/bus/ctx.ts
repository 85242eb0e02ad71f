import type { Logger, Metrics } from "../observe/index.js";
import type { Clock, Rng } from "../transport/index.js";
import type { Channels } from "./channels.js";
import type { BusConfig } from "./config.js";
import type { Digest } from "./digest.js";
import type { InterestIndex } from "./interest.js";
import type { BusInvariant } from "./invariants.js";
import type { LogStore, Mark } from "./log-store.js";
import type { Stream } from "./stream.js";

/** What the bus's parts (push, sync, seek, delivery) share; the Bus builds it. */
export interface BusCtx {
  readonly cfg: BusConfig;
  /** This node's name (the origin of what it publishes). */
  readonly self: string;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly store: LogStore;
  /** Checks the bus's promises to itself (throws in the simulator). */
  readonly check: BusInvariant;
  /** This node's own epoch (the store's). */
  readonly epoch: number;
  readonly channels: Channels;
  readonly interest: InterestIndex;
  readonly streams: Map<string, Stream>;
  /** Types local subscriptions want -> since when (ms on our clock). */
  readonly myTypes: Map<string, number>;
  /** Digests from a peer, in order; `from` is the sender's name when known. */
  receive(ds: readonly Digest[], from: string | null, via: "push" | "sync"): void;
  /** The stream, created (seeking) if new and within limits; undefined when at maxStreams. */
  streamFor(origin: string, epoch: number, type: string): Stream | undefined;
  /** The stream's start is known: attach subscribers, commit what was held. */
  activate(s: Stream, after: Mark): void;
}

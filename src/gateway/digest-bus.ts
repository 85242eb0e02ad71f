import type { Failure } from "../errors/index.js";
import type { CheckedDigest } from "./new-digest.js";

/** A digest as the bus delivers it. */
export interface BusDigest {
  readonly type: string;
  readonly payload: Uint8Array;
  readonly origin: string;
  /** The origin's log epoch; `seq` and `typeSeq` count from 1 in each. */
  readonly epoch: number;
  readonly seq: number;
  /** Stream sequence: per (origin, epoch, type). */
  readonly typeSeq: number;
  readonly publishTimeMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Digests a subscriber will not get, and why (GapNotice). */
export interface BusGap {
  readonly reason: "slow-consumer" | "retention-expired" | "unrecoverable";
  /** Stream sequences of one (origin, epoch, type) each. */
  readonly ranges: ReadonlyArray<{
    origin: string;
    epoch: number;
    type: string;
    fromSeq: number;
    toSeq: number;
  }>;
  readonly message: string;
  /** Positions to resume from past the gap. */
  readonly resumeFrom: ReadonlyArray<CursorPos>;
}

/** The last digest of (origin, type) a subscriber has: its epoch (0 = the oldest known) and stream sequence. */
export interface CursorPos {
  readonly origin: string;
  readonly type: string;
  readonly epoch: number;
  readonly seq: number;
}

export type SubscriptionItem =
  | { kind: "digest"; digest: BusDigest }
  | { kind: "gap"; gap: BusGap }
  /** Once: the backlog the subscription started with is delivered; `backlog` digests came before. */
  | { kind: "caught-up"; backlog: number };

/** A local subscription with a bounded queue, read at the consumer's pace. */
export interface BusSubscription {
  /** Up to `max` queued items, oldest first; empty when nothing is queued. */
  drain(max: number): SubscriptionItem[];
  /** `fn` runs when items arrive on an empty queue (one pending callback at a time). */
  onReadable(fn: () => void): void;
  close(): void;
}

/** What the client API needs of the digest bus (src/bus, adapted in the agent). */
export interface DigestBus {
  publish(d: CheckedDigest): { ok: true; digest: BusDigest } | Failure;
  subscribe(opts: {
    types: string[];
    resumeFrom: CursorPos[] | null;
    start: "latest" | "earliest";
    maxQueued: number;
  }): { ok: true; subscription: BusSubscription } | Failure;
}

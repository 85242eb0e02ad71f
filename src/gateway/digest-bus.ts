import type { Failure } from "../errors/index.js";
import type { CheckedDigest } from "./new-digest.js";

/** A digest as the bus delivers it. */
export interface BusDigest {
  readonly type: string;
  readonly payload: Uint8Array;
  readonly origin: string;
  readonly seq: number;
  readonly publishTimeMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Digests a subscriber will not get, and why (GapNotice). */
export interface BusGap {
  readonly reason: "slow-consumer" | "retention-expired" | "unrecoverable";
  readonly ranges: ReadonlyArray<{ origin: string; type: string; fromSeq: number; toSeq: number }>;
  readonly message: string;
  /** Positions to resume from past the gap. */
  readonly resumeFrom: ReadonlyArray<CursorPos>;
}

export interface CursorPos {
  readonly origin: string;
  readonly type: string;
  readonly seq: number;
}

export type SubscriptionItem = { kind: "digest"; digest: BusDigest } | { kind: "gap"; gap: BusGap };

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

/** Why a range of digests will not be delivered (proto GapReason). */
export type GapReason = "SLOW_CONSUMER" | "RETENTION_EXPIRED" | "UNRECOVERABLE";

/** Lost digests of one stream (origin, epoch, type): stream sequences (typeSeq) from..to inclusive. */
export interface GapRange {
  origin: string;
  epoch: number;
  type: string;
  fromSeq: number;
  toSeq: number;
}

/**
 * The last digest of `type` from `origin` the subscriber received: its epoch
 * and stream sequence (typeSeq; 0 = none). Epoch 0 = the origin's oldest
 * epoch known here. Later epochs of the origin are delivered from their start.
 */
export interface CursorPosition {
  origin: string;
  type: string;
  epoch: number;
  sequence: number;
}

/** Where a subscriber is: at most one position per (origin, type), in its newest epoch. */
export interface Cursor {
  positions: CursorPosition[];
}

/** An explicit notice that digests were lost to this subscriber: loss is never silent. */
export interface GapNotice {
  reason: GapReason;
  ranges: GapRange[];
  message: string;
  /** Cursor to resume from to skip past the gap (every position of the subscription, the gap included). */
  resumeFrom: Cursor;
}

export const GAP_MESSAGES: Record<GapReason, string> = {
  SLOW_CONSUMER:
    "subscriber queue overflowed; these digests were dropped for it (a new subscription resuming from before them gets what retention still holds)",
  RETENTION_EXPIRED: "the retention log no longer holds these digests (or never held them at this gateway)",
  UNRECOVERABLE: "these digests could not be repaired from any peer in time",
};

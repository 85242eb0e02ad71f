import type { BusConfig } from "./config.js";
import { digestBytes, type Digest } from "./digest.js";
import type { Mark } from "./log-store.js";

/** Holders remembered per stream (backfill candidates after the origin). */
const MAX_HOLDERS = 8;

/** What became of an offered digest. */
export type Offer =
  | "commit" // next in order: the caller commits it, then drains `nextReady`
  | "held" // out of order (or the stream's start is not known yet): held back
  | "dup" // already committed or held
  | "jump" // implausibly far ahead of the head: refused
  | "full"; // hold-back full: dropped, repair will bring it again

/**
 * One stream (origin, epoch, type) at this node: the contiguous high-water mark and
 * a bounded hold-back of digests that arrived ahead of it. A stream first
 * seen from a peer is "seeking" until its start is known (from the origin,
 * see Bus), holding back what arrives meanwhile.
 */
export class Stream {
  active = false;
  /** Contiguous head: every typeSeq <= hwm is committed, given up, or before our start. */
  head: Mark = { typeSeq: 0, seq: 0, publishTimeMs: 0 };
  /** Highest type sequence any peer advertised. */
  advertised = 0;
  /** Since when the head has been stuck behind held-back digests (null: no gap). */
  gapSinceMs: number | null = null;
  lastPullMs = -Infinity;
  /** The origin said it no longer holds what we miss: give up sooner. */
  originLacks = false;
  /** Seeking: when it began, attempts made, one exchange in flight. */
  seekSinceMs = 0;
  seekTries = 0;
  seekInFlight = false;
  /** A subscriber's cursor (or an earliest start) asks for digests after this type sequence. */
  seekAfterTypeSeq: number | null = null;
  /** From the seek: where what was stored since our interest began starts (live subscribers start here). */
  liveFrom: number | null = null;
  /** When the head last moved (activation, commit, a gap given up). */
  movedMs = 0;
  /** Peers known to hold this stream, with their floor (from heads they sent): where backfill looks first. */
  readonly holders = new Map<string, number>();
  /** The streams of this (origin, type) at this node, one per epoch, oldest first (shared by them). */
  epochs: Stream[] = [this];
  private readonly hold = new Map<number, Digest>();
  private holdBytes = 0;

  constructor(
    readonly key: string,
    readonly origin: string,
    readonly epoch: number,
    readonly type: string,
  ) {}

  get held(): number {
    return this.hold.size;
  }

  offer(d: Digest, cfg: BusConfig): Offer {
    const t = d.typeSeq;
    if (this.hold.has(t) || (this.active && t <= this.head.typeSeq)) return "dup";
    if (this.active && t > this.head.typeSeq + cfg.maxSequenceJump) return "jump";
    if (this.active && t === this.head.typeSeq + 1) return "commit";
    const bytes = digestBytes(d);
    if (this.hold.size >= cfg.maxHoldbackDigests || this.holdBytes + bytes > cfg.maxHoldbackBytes)
      return "full";
    this.hold.set(t, d);
    this.holdBytes += bytes;
    return "held";
  }

  /** Records a committed digest as the new head (in place: `head` is this stream's own object, read, never kept). */
  advance(d: Digest, nowMs: number): void {
    const h = this.head;
    h.typeSeq = d.typeSeq;
    h.seq = d.seq;
    h.publishTimeMs = d.publishTimeMs;
    this.gapSinceMs = this.hold.size > 0 ? nowMs : null;
    this.movedMs = nowMs;
  }

  /** The held digest right after the head, removed from the hold-back. */
  nextReady(): Digest | undefined {
    const d = this.hold.get(this.head.typeSeq + 1);
    if (d !== undefined) this.take(d);
    return d;
  }

  /** The start is known: everything at or below `after` is before this node's view of the stream. */
  activate(after: Mark, nowMs: number): void {
    this.active = true;
    this.head = { ...after };
    this.movedMs = nowMs;
    for (const d of [...this.hold.values()]) if (d.typeSeq <= after.typeSeq) this.take(d);
    this.gapSinceMs = this.hold.size > 0 ? nowMs : null;
  }

  /** The lowest held-back digest, if any. */
  lowestHeld(): Digest | undefined {
    let low: Digest | undefined;
    for (const d of this.hold.values()) if (low === undefined || d.typeSeq < low.typeSeq) low = d;
    return low;
  }

  /**
   * Gives up on the gap before the lowest held digest: the head jumps to just
   * before it. Returns the lost range as marks (first lost, last lost), or null.
   */
  skipGap(nowMs: number): { from: Mark; to: Mark } | null {
    const low = this.lowestHeld();
    if (!this.active || low === undefined || low.typeSeq <= this.head.typeSeq + 1) return null;
    const from = {
      typeSeq: this.head.typeSeq + 1,
      seq: this.head.seq + 1,
      publishTimeMs: this.head.publishTimeMs,
    };
    const to = { typeSeq: low.typeSeq - 1, seq: low.seq - 1, publishTimeMs: low.publishTimeMs };
    this.head = { ...to };
    this.gapSinceMs = nowMs;
    this.movedMs = nowMs;
    this.originLacks = false;
    return { from, to };
  }

  /** A peer said it holds this stream above `floor`; at most MAX_HOLDERS are kept, the lowest floors. */
  noteHolder(peer: string, floor: number): void {
    this.holders.delete(peer);
    if (this.holders.size >= MAX_HOLDERS) {
      let worst: string | undefined;
      for (const [p, f] of this.holders)
        if (worst === undefined || f > (this.holders.get(worst) as number)) worst = p;
      if (worst === undefined || (this.holders.get(worst) as number) <= floor) return;
      this.holders.delete(worst);
    }
    this.holders.set(peer, floor);
  }

  /** Joins the epochs list of another epoch of the same (origin, type), kept oldest first. */
  joinEpochs(other: Stream): void {
    const list = other.epochs;
    let i = list.length;
    while (i > 0 && (list[i - 1] as Stream).epoch > this.epoch) i--;
    list.splice(i, 0, this);
    this.epochs = list;
  }

  private take(d: Digest): void {
    this.hold.delete(d.typeSeq);
    this.holdBytes -= digestBytes(d);
  }
}

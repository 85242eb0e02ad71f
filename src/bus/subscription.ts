import { streamKey, type Digest } from "./digest.js";
import {
  GAP_MESSAGES,
  type Cursor,
  type CursorPosition,
  type GapNotice,
  type GapRange,
  type GapReason,
} from "./cursor.js";

/** What a subscriber reads: digests in origin order per stream, and gap notices. */
export type SubscriptionItem = { kind: "digest"; digest: Digest } | { kind: "gap"; gap: GapNotice };

type Queued =
  { kind: "digest"; digest: Digest } | { kind: "gap"; reason: GapReason; ranges: Map<string, GapRange> };

/** Where this subscription stands in a stream: the last typeSeq (and its seq) enqueued or skipped. */
export interface Pos {
  typeSeq: number;
  seq: number;
}

/** Drop digests of a stream until one passes: seq above `skipThroughSeq` and published at/after `notBeforeMs`. */
export interface StartFilter {
  skipThroughSeq: number;
  notBeforeMs: number;
}

export interface SubscriptionHooks {
  /** Runs `fn` soon, outside the current call (a 0 ms timer): readable callbacks never re-enter the bus. */
  defer(fn: () => void): void;
  /** The consumer took items: the bus may refill from the log. */
  taken(sub: Subscription): void;
  closed(sub: Subscription): void;
}

/**
 * A local subscription: a bounded queue the consumer pulls from (`next`,
 * `drain`, `onReadable`), so a gateway stream applies backpressure by simply
 * not pulling. Live digests that find the queue full are dropped and recorded
 * in ONE gap notice (SLOW_CONSUMER) at the queue's tail, which keeps growing
 * until the consumer has drained to half the bound; a slow subscriber never
 * slows the bus or other subscribers.
 */
export class Subscription {
  /** Enqueued position per stream key. */
  readonly pos = new Map<string, Pos>();
  /** Cursor positions not yet attached to a stream (key -> origin sequence). */
  readonly pendingCursor = new Map<string, CursorPosition>();
  readonly filters = new Map<string, StartFilter>();
  private readonly consumed = new Map<string, CursorPosition>();
  private q: Queued[] = [];
  private qHead = 0;
  private overflowing = false;
  private readonly listeners = new Set<() => void>();
  private notifyPending = false;
  private isClosed = false;
  /** Digests dropped because the consumer was slow. */
  dropped = 0;
  delivered = 0;

  constructor(
    readonly id: number,
    readonly types: ReadonlySet<string>,
    readonly start: "latest" | "earliest",
    readonly maxQueued: number,
    readonly createdMs: number,
    resumeFrom: CursorPosition[],
    private readonly hooks: SubscriptionHooks,
  ) {
    for (const p of resumeFrom) {
      const key = streamKey(p.origin, p.type);
      this.pendingCursor.set(key, p);
      this.consumed.set(key, { ...p });
    }
  }

  get queued(): number {
    return this.q.length - this.qHead;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Free queue slots for catch-up reads (live digests may still overflow). */
  room(): number {
    this.settle();
    return this.overflowing ? 0 : Math.max(0, this.maxQueued - this.queued);
  }

  /** Overflow ends once the consumer has drained to half the bound (hysteresis: one notice per episode). */
  private settle(): void {
    if (this.overflowing && this.queued <= this.maxQueued / 2) this.overflowing = false;
  }

  /** The next item, or undefined when the queue is empty. */
  next(): SubscriptionItem | undefined {
    const out = this.drain(1);
    return out[0];
  }

  /** Up to `max` items, oldest first. */
  drain(max = Infinity): SubscriptionItem[] {
    const out: SubscriptionItem[] = [];
    while (out.length < max && this.qHead < this.q.length) {
      const item = this.q[this.qHead] as Queued;
      this.q[this.qHead++] = undefined as unknown as Queued;
      out.push(this.materialize(item));
    }
    if (this.qHead > 1024 && this.qHead * 2 > this.q.length) {
      this.q = this.q.slice(this.qHead);
      this.qHead = 0;
    }
    if (out.length > 0 && !this.isClosed) this.hooks.taken(this);
    return out;
  }

  /** Called (deferred) whenever items become available; returns the unsubscribe function. */
  onReadable(fn: () => void): () => void {
    this.listeners.add(fn);
    if (this.queued > 0) this.scheduleNotify();
    return () => this.listeners.delete(fn);
  }

  /** Cursor of what the consumer has taken so far (plus the resume cursor's other positions). */
  cursor(): Cursor {
    return { positions: [...this.consumed.values()].map((p) => ({ ...p })) };
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.q = [];
    this.qHead = 0;
    this.listeners.clear();
    this.hooks.closed(this);
  }

  // ---- bus side ----

  /** Offers the next digest of a stream (the caller checked it follows `pos`). Live: may overflow. */
  offer(key: string, d: Digest, live: boolean): void {
    if (this.isClosed) return;
    this.pos.set(key, { typeSeq: d.typeSeq, seq: d.seq });
    const f = this.filters.get(key);
    if (f !== undefined) {
      if (d.seq <= f.skipThroughSeq || d.publishTimeMs < f.notBeforeMs) return;
      this.filters.delete(key);
    }
    this.settle();
    if (live && (this.overflowing || this.queued >= this.maxQueued)) {
      this.overflowing = true;
      this.dropped++;
      this.addGap("SLOW_CONSUMER", key, { origin: d.origin, type: d.type, fromSeq: d.seq, toSeq: d.seq });
      return;
    }
    this.delivered++;
    this.push({ kind: "digest", digest: d });
  }

  /** Records lost digests of a stream (position moves past them). */
  lose(reason: GapReason, key: string, range: GapRange, toTypeSeq: number): void {
    if (this.isClosed || range.toSeq < range.fromSeq) {
      this.pos.set(key, { typeSeq: toTypeSeq, seq: Math.max(range.toSeq, this.pos.get(key)?.seq ?? 0) });
      return;
    }
    this.pos.set(key, { typeSeq: toTypeSeq, seq: range.toSeq });
    const f = this.filters.get(key);
    if (f !== undefined && range.toSeq <= f.skipThroughSeq) return;
    this.addGap(reason, key, range);
  }

  private addGap(reason: GapReason, key: string, range: GapRange): void {
    const tail = this.q[this.q.length - 1];
    if (this.queued > 0 && tail?.kind === "gap" && tail.reason === reason) {
      const r = tail.ranges.get(key);
      if (r === undefined) tail.ranges.set(key, { ...range });
      else r.toSeq = Math.max(r.toSeq, range.toSeq);
      return;
    }
    this.push({ kind: "gap", reason, ranges: new Map([[key, { ...range }]]) });
  }

  private push(item: Queued): void {
    this.q.push(item);
    if (this.queued === 1) this.scheduleNotify();
  }

  private scheduleNotify(): void {
    if (this.notifyPending) return;
    this.notifyPending = true;
    this.hooks.defer(() => {
      this.notifyPending = false;
      if (this.isClosed || this.queued === 0) return;
      for (const fn of [...this.listeners]) fn();
    });
  }

  private materialize(item: Queued): SubscriptionItem {
    if (item.kind === "digest") {
      const d = item.digest;
      this.consumed.set(streamKey(d.origin, d.type), { origin: d.origin, type: d.type, sequence: d.seq });
      return item;
    }
    const ranges = [...item.ranges.values()];
    for (const r of ranges) {
      const key = streamKey(r.origin, r.type);
      const cur = this.consumed.get(key)?.sequence ?? 0;
      this.consumed.set(key, { origin: r.origin, type: r.type, sequence: Math.max(cur, r.toSeq) });
    }
    const gap: GapNotice = {
      reason: item.reason,
      ranges,
      message: GAP_MESSAGES[item.reason],
      resumeFrom: this.cursor(),
    };
    return { kind: "gap", gap };
  }
}

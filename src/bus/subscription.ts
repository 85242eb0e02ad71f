import { originTypeKey, type Digest } from "./digest.js";
import {
  GAP_MESSAGES,
  type Cursor,
  type CursorPosition,
  type GapNotice,
  type GapRange,
  type GapReason,
} from "./cursor.js";

/**
 * What a subscriber reads: digests in order per stream, gap notices, and once
 * the marker that the backlog it started with (what this node held of its
 * streams then) has been delivered: what follows is live.
 */
export type SubscriptionItem =
  | { kind: "digest"; digest: Digest }
  | { kind: "gap"; gap: GapNotice }
  | { kind: "caught-up"; backlog: number };

type Queued =
  | { kind: "digest"; digest: Digest }
  | { kind: "gap"; reason: GapReason; ranges: Map<string, GapRange> }
  | { kind: "caught-up"; backlog: number };

/** Where this subscription stands in a stream: the last typeSeq enqueued or skipped (SKIP: never deliver). */
export interface Pos {
  typeSeq: number;
}

/** A stream of an epoch older than the subscriber's cursor: nothing of it is delivered. */
export const SKIP = Number.MAX_SAFE_INTEGER;

/** Drop digests of a stream up to and including this type sequence (what the client already has). */
export interface StartFilter {
  skipThroughSeq: number;
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
  /** Resume cursor positions by (origin, type) (originTypeKey); `used` once a stream of it took it. */
  readonly cursorAt = new Map<string, CursorPosition & { used: boolean }>();
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
  /** The caught-up marker is queued. */
  caughtUp = false;
  /** Stream discovery rounds this subscription waits on before it can be caught up. */
  discovering = 0;

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
      const key = originTypeKey(p.origin, p.type);
      this.cursorAt.set(key, { ...p, used: false });
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
    this.pos.set(key, { typeSeq: d.typeSeq });
    const f = this.filters.get(key);
    if (f !== undefined) {
      if (d.typeSeq <= f.skipThroughSeq) return;
      this.filters.delete(key);
    }
    this.settle();
    if (live && (this.overflowing || this.queued >= this.maxQueued)) {
      this.overflowing = true;
      this.dropped++;
      this.addGap("SLOW_CONSUMER", key, {
        origin: d.origin,
        epoch: d.epoch,
        type: d.type,
        fromSeq: d.typeSeq,
        toSeq: d.typeSeq,
      });
      return;
    }
    this.delivered++;
    this.push({ kind: "digest", digest: d });
  }

  /** Records lost digests of a stream (position moves past them). */
  lose(reason: GapReason, key: string, range: GapRange): void {
    this.pos.set(key, { typeSeq: Math.max(range.toSeq, this.pos.get(key)?.typeSeq ?? 0) });
    if (this.isClosed || range.toSeq < range.fromSeq) return;
    const f = this.filters.get(key);
    if (f !== undefined) {
      if (range.toSeq <= f.skipThroughSeq) return;
      range = { ...range, fromSeq: Math.max(range.fromSeq, f.skipThroughSeq + 1) };
    }
    this.addGap(reason, key, range);
  }

  /** Queues the caught-up marker (once). */
  markCaughtUp(): void {
    if (this.caughtUp || this.isClosed) return;
    this.caughtUp = true;
    this.push({ kind: "caught-up", backlog: this.delivered });
  }

  /** The consumer has (epoch, seq) of (origin, type): the cursor moves forward only (epochs first). */
  private consume(origin: string, type: string, epoch: number, sequence: number): void {
    const key = originTypeKey(origin, type);
    const cur = this.consumed.get(key);
    if (cur !== undefined && (cur.epoch > epoch || (cur.epoch === epoch && cur.sequence >= sequence))) return;
    this.consumed.set(key, { origin, type, epoch, sequence });
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
    if (item.kind === "caught-up") return item;
    if (item.kind === "digest") {
      const d = item.digest;
      this.consume(d.origin, d.type, d.epoch, d.typeSeq);
      return item;
    }
    const ranges = [...item.ranges.values()];
    for (const r of ranges) this.consume(r.origin, r.type, r.epoch, r.toSeq);
    const gap: GapNotice = {
      reason: item.reason,
      ranges,
      message: GAP_MESSAGES[item.reason],
      resumeFrom: this.cursor(),
    };
    return { kind: "gap", gap };
  }
}

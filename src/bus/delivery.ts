import { Backfill } from "./backfill.js";
import type { BusCtx } from "./ctx.js";
import type { GapReason } from "./cursor.js";
import type { Digest } from "./digest.js";
import { ZERO_MARK, type Mark } from "./log-store.js";
import type { Stream } from "./stream.js";
import { SKIP, type Subscription } from "./subscription.js";
import { originTypeKey } from "./digest.js";

/** Log entries read per stream per fill pass. */
const FILL_BATCH = 256;

/**
 * Local delivery: subscriptions are cursors into the node's streams. A
 * subscription at a stream's head gets new digests live (and may overflow);
 * one behind (resuming, or slowed) reads from the retention log as its
 * queue has room, and holes it meets there become gap notices.
 */
export class Delivery {
  readonly subs = new Set<Subscription>();
  private readonly byType = new Map<string, Set<Subscription>>();
  private readonly fillPending = new Set<Subscription>();
  /** Subscriptions held back by an older epoch or not yet caught up: retried by `retry`. */
  private readonly waiting = new Set<Subscription>();

  private readonly backfill: Backfill;

  constructor(private readonly ctx: BusCtx) {
    this.backfill = new Backfill(ctx, {
      offer: (sub, key, d) => this.offer(sub, key, d, false),
      done: (sub) => this.scheduleFill(sub),
      lost: (sub, s, reason, from, to) => this.lose(sub, s, reason, from, to),
    });
  }

  add(sub: Subscription): void {
    this.subs.add(sub);
    for (const t of sub.types) {
      let set = this.byType.get(t);
      if (set === undefined) this.byType.set(t, (set = new Set()));
      set.add(sub);
    }
    for (const s of this.ctx.streams.values())
      if (s.active && sub.types.has(s.type)) this.attach(sub, s, false);
    this.scheduleFill(sub);
  }

  remove(sub: Subscription): void {
    this.subs.delete(sub);
    this.fillPending.delete(sub);
    this.waiting.delete(sub);
    this.backfill.drop(sub);
    for (const t of sub.types) {
      const set = this.byType.get(t);
      set?.delete(sub);
      if (set?.size === 0) this.byType.delete(t);
    }
  }

  /**
   * The lowest type sequence any subscription wants a stream's digests after,
   * when one reaches back before the live head: an earliest start (0), a
   * resume cursor of its epoch (or of no epoch), or a cursor of an older epoch
   * of its origin (0: all of this newer one). Null when all start live.
   */
  wantedFrom(s: Stream): number | null {
    let low: number | null = null;
    for (const sub of this.byType.get(s.type) ?? []) {
      const c = sub.cursorAt.get(originTypeKey(s.origin, s.type));
      let want: number | null = null;
      if (c === undefined) want = sub.start === "earliest" ? 0 : null;
      else if (c.epoch === s.epoch || (c.epoch === 0 && !c.used)) want = c.sequence;
      else if (c.epoch < s.epoch) want = 0;
      if (want !== null) low = Math.min(low ?? want, want);
    }
    return low;
  }

  /** Whether any subscription still wants `type`. */
  wanted(type: string): boolean {
    return this.byType.has(type);
  }

  /** A stream became active: subscriptions of its type start there (newcomer rules apply). */
  activated(s: Stream): void {
    for (const sub of this.byType.get(s.type) ?? []) if (!sub.pos.has(s.key)) this.attach(sub, s, true);
  }

  /** Hands a subscription the next digest of a stream: its position only moves forward. */
  private offer(sub: Subscription, key: string, d: Digest, live: boolean): void {
    const at = sub.pos.get(key)?.typeSeq ?? 0;
    this.ctx.check(d.typeSeq > at, "a subscription's position only moves forward", () => ({
      sub: sub.id,
      stream: key,
      at,
      typeSeq: d.typeSeq,
    }));
    sub.offer(key, d, live);
  }

  /**
   * A digest was committed (it is the stream's new head). A live one (just
   * published or pushed) may overflow a full subscriber into a SLOW_CONSUMER
   * gap; a repaired or released one is in the log, so a full subscriber
   * reads it from there once it has room instead of losing it.
   */
  committed(s: Stream, d: Digest, live: boolean): void {
    for (const sub of this.byType.get(s.type) ?? []) {
      const p = sub.pos.get(s.key);
      if (p === undefined) this.attach(sub, s, true);
      else if (p.typeSeq === d.typeSeq - 1) {
        if (s.epochs.length > 1 && this.waitsForOlder(sub, s)) this.scheduleFill(sub);
        else if (live) this.offer(sub, s.key, d, true);
        else if (sub.room() > 0) this.offer(sub, s.key, d, false);
        else this.scheduleFill(sub);
      } else if (p.typeSeq < d.typeSeq - 1) this.scheduleFill(sub);
    }
  }

  /** The node gave up [from, to] of a stream: subscribers at it get an UNRECOVERABLE gap. */
  lost(s: Stream, from: Mark, to: Mark): void {
    for (const sub of this.byType.get(s.type) ?? []) {
      const p = sub.pos.get(s.key);
      if (p === undefined || p.typeSeq !== from.typeSeq - 1) continue;
      sub.lose("UNRECOVERABLE", s.key, this.range(s, from.typeSeq, to.typeSeq));
    }
    this.ctx.metrics.inc("bus_gaps_total", { reason: "UNRECOVERABLE" });
  }

  /** Refills after the consumer took items (deferred: never re-enters the caller). */
  scheduleFill(sub: Subscription): void {
    if (this.fillPending.has(sub) || sub.closed) return;
    this.fillPending.add(sub);
    this.ctx.clock.setTimer(0, () => {
      this.fillPending.delete(sub);
      if (!sub.closed) this.fill(sub);
    });
  }

  /**
   * Where a subscription starts in a stream: its cursor (an older epoch of
   * the cursor's origin is skipped, a newer one starts at its beginning), the
   * log's start (earliest), or the head (latest).
   */
  private attach(sub: Subscription, s: Stream, isNew: boolean): void {
    const floor = this.ctx.store.stream(s.key)?.floor ?? ZERO_MARK;
    const cursor = sub.cursorAt.get(originTypeKey(s.origin, s.type));
    if (cursor !== undefined && (cursor.epoch === s.epoch || (cursor.epoch === 0 && !cursor.used))) {
      cursor.used = true;
      this.attachCursor(sub, s, floor, cursor.sequence);
    } else if (cursor !== undefined && cursor.epoch > s.epoch) {
      sub.pos.set(s.key, { typeSeq: SKIP });
      return;
    } else if (cursor !== undefined) {
      // An epoch newer than the cursor's: all of it, what is no longer held as a gap.
      this.attachCursor(sub, s, floor, 0);
    } else if (sub.start === "earliest") {
      // The oldest digest any reachable node retains: nothing before it is reported lost.
      sub.pos.set(s.key, { typeSeq: 0 });
      if (floor.typeSeq > 0) this.backfill.start(sub, s, true);
    } else {
      // Latest: from the head, or for a stream that appeared since, from where this node's view
      // starts (its origin or peer answered "what I stored since you subscribed", by its own clock).
      const at = isNew ? Math.max(floor.typeSeq, s.liveFrom ?? 0) : s.head.typeSeq;
      sub.pos.set(s.key, { typeSeq: at });
    }
    this.scheduleFill(sub);
  }

  private attachCursor(sub: Subscription, s: Stream, floor: Mark, seq: number): void {
    // Whatever the client already has is skipped, even if it arrives here later.
    sub.filters.set(s.key, { skipThroughSeq: seq });
    if (seq >= floor.typeSeq)
      return void sub.pos.set(s.key, { typeSeq: Math.min(seq, Math.max(seq, s.head.typeSeq)) });
    this.belowFloor(sub, s, seq);
  }

  /** The subscription stands below what this node holds of a stream: fetch it from who holds it. */
  private belowFloor(sub: Subscription, s: Stream, pos: number): void {
    sub.pos.set(s.key, { typeSeq: pos });
    this.backfill.start(sub, s);
  }

  private range(s: Stream, fromSeq: number, toSeq: number) {
    return { origin: s.origin, epoch: s.epoch, type: s.type, fromSeq, toSeq };
  }

  private lose(sub: Subscription, s: Stream, reason: GapReason, fromSeq: number, toSeq: number): void {
    sub.lose(reason, s.key, this.range(s, fromSeq, toSeq));
    this.ctx.metrics.inc("bus_gaps_total", { reason });
  }

  /** Reads from the log into the queue while it has room, stream by stream. */
  private fill(sub: Subscription): void {
    // A pass may finish an older epoch that held a newer one back: go again (bounded).
    this.waiting.delete(sub);
    this.backfill.resume(sub);
    for (let pass = 0; pass < 4 && this.fillStreams(sub); pass++);
    if (!sub.caughtUp && sub.discovering === 0 && this.atHeads(sub)) sub.markCaughtUp();
    if (!sub.caughtUp) this.waiting.add(sub);
  }

  /** Periodic: refills what waits on time bounds (an older epoch, a stream that stopped short of its advertised head). */
  retry(): void {
    for (const sub of this.waiting) this.scheduleFill(sub);
  }

  /**
   * Whether the stream has what peers advertised of it. One that has not moved
   * for maxGapWaitMs counts as complete (what it misses is given up elsewhere).
   */
  private complete(s: Stream): boolean {
    if (!s.active) return this.ctx.clock.nowMs() - s.seekSinceMs >= this.ctx.cfg.maxSeekWaitMs;
    return s.advertised <= s.head.typeSeq || this.ctx.clock.nowMs() - s.movedMs >= this.ctx.cfg.maxGapWaitMs;
  }

  /**
   * Epochs of an origin are delivered in order: a stream waits while the
   * subscription still has an older epoch of its (origin, type) to deliver.
   */
  private waitsForOlder(sub: Subscription, s: Stream): boolean {
    for (const st of s.epochs) {
      if (st === s) return false;
      const p = sub.pos.get(st.key);
      if (p?.typeSeq === SKIP) continue;
      if (!this.complete(st) || (p !== undefined && p.typeSeq < st.head.typeSeq)) return true;
    }
    return false;
  }

  /**
   * Every stream of the subscription's types known here is active, holds what
   * peers advertised of it, and is delivered up to its head.
   */
  private atHeads(sub: Subscription): boolean {
    for (const s of this.ctx.streams.values()) {
      if (!sub.types.has(s.type)) continue;
      // A stream no node answered a seek for within maxSeekWaitMs does not hold the marker back.
      if (!s.active) {
        if (this.complete(s)) continue;
        return false;
      }
      const p = sub.pos.get(s.key);
      if (p === undefined) return false;
      if (p.typeSeq === SKIP) continue;
      if (p.typeSeq < s.head.typeSeq || !this.complete(s)) return false;
    }
    return true;
  }

  /** One pass over the subscription's streams; true when a stream waited for an older epoch that moved meanwhile. */
  private fillStreams(sub: Subscription): boolean {
    const { ctx } = this;
    let waited = false;
    let moved = false;
    for (const [key, p] of sub.pos) {
      const s = ctx.streams.get(key);
      if (s === undefined || !s.active || this.backfill.has(sub, key)) continue;
      if (s.epochs.length > 1 && this.waitsForOlder(sub, s)) {
        if (p.typeSeq < s.head.typeSeq) {
          waited = true;
          this.waiting.add(sub);
        }
        continue;
      }
      let pos = p;
      if (pos.typeSeq < s.head.typeSeq) moved = true;
      while (pos.typeSeq < s.head.typeSeq) {
        const room = sub.room();
        if (room === 0) return false;
        const floor = ctx.store.stream(key)?.floor ?? ZERO_MARK;
        if (pos.typeSeq < floor.typeSeq) {
          this.belowFloor(sub, s, pos.typeSeq);
          if (this.backfill.has(sub, key)) break;
          pos = sub.pos.get(key) ?? floor;
          continue;
        }
        const entries = ctx.store.read(key, pos.typeSeq, Math.min(room, FILL_BATCH), Infinity);
        const last = entries[entries.length - 1];
        if (last === undefined || entries[0] === undefined) {
          // Nothing held up to the head: given up (or evicted meanwhile).
          this.lose(sub, s, "UNRECOVERABLE", pos.typeSeq + 1, s.head.typeSeq);
          break;
        }
        for (const d of entries) {
          if (d.typeSeq > s.head.typeSeq) break;
          const q = sub.pos.get(key) ?? pos;
          if (d.typeSeq > q.typeSeq + 1) this.lose(sub, s, "UNRECOVERABLE", q.typeSeq + 1, d.typeSeq - 1);
          this.offer(sub, key, d, false);
        }
        const next = sub.pos.get(key) ?? pos;
        if (sub.closed || next.typeSeq <= pos.typeSeq || last.typeSeq >= s.head.typeSeq) break;
        pos = next;
      }
    }
    return waited && moved;
  }
}

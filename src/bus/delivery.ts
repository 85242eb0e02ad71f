import type { BusCtx } from "./ctx.js";
import type { GapReason } from "./cursor.js";
import type { Digest } from "./digest.js";
import { ZERO_MARK, type Mark } from "./log-store.js";
import type { Stream } from "./stream.js";
import type { Subscription } from "./subscription.js";

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

  constructor(private readonly ctx: BusCtx) {}

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
    for (const t of sub.types) {
      const set = this.byType.get(t);
      set?.delete(sub);
      if (set?.size === 0) this.byType.delete(t);
    }
  }

  /** Whether any subscription still wants `type`. */
  wanted(type: string): boolean {
    return this.byType.has(type);
  }

  /** A stream became active: subscriptions of its type start there (newcomer rules apply). */
  activated(s: Stream): void {
    for (const sub of this.byType.get(s.type) ?? []) if (!sub.pos.has(s.key)) this.attach(sub, s, true);
  }

  /** A digest was committed (it is the stream's new head). */
  committed(s: Stream, d: Digest): void {
    for (const sub of this.byType.get(s.type) ?? []) {
      const p = sub.pos.get(s.key);
      if (p === undefined) this.attach(sub, s, true);
      else if (p.typeSeq === d.typeSeq - 1) sub.offer(s.key, d, true);
      else if (p.typeSeq < d.typeSeq - 1) this.scheduleFill(sub);
    }
  }

  /** The node gave up [from, to] of a stream: subscribers at it get an UNRECOVERABLE gap. */
  lost(s: Stream, from: Mark, to: Mark): void {
    for (const sub of this.byType.get(s.type) ?? []) {
      const p = sub.pos.get(s.key);
      if (p === undefined || p.typeSeq !== from.typeSeq - 1) continue;
      const range = { origin: s.origin, type: s.type, fromSeq: Math.max(from.seq, p.seq + 1), toSeq: to.seq };
      sub.lose("UNRECOVERABLE", s.key, range, to.typeSeq);
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

  /** Where a subscription starts in a stream: its cursor, the log's start (earliest), or the head (latest). */
  private attach(sub: Subscription, s: Stream, isNew: boolean): void {
    const floor = this.ctx.store.stream(s.key)?.floor ?? ZERO_MARK;
    const cursor = sub.pendingCursor.get(s.key);
    if (cursor !== undefined) {
      sub.pendingCursor.delete(s.key);
      this.attachCursor(sub, s, floor, cursor.sequence);
    } else if (sub.start === "earliest") {
      sub.pos.set(s.key, { typeSeq: floor.typeSeq, seq: floor.seq });
    } else {
      // Latest: from the head, or for a stream that appeared since, from where this node's view starts;
      // either way only what was published since the subscription began (minus the clock-skew grace).
      const at = isNew ? floor : s.head;
      sub.pos.set(s.key, { typeSeq: at.typeSeq, seq: at.seq });
      const notBeforeMs = sub.createdMs - this.ctx.cfg.startGraceMs;
      sub.filters.set(s.key, { skipThroughSeq: 0, notBeforeMs });
    }
    this.scheduleFill(sub);
  }

  private attachCursor(sub: Subscription, s: Stream, floor: Mark, seq: number): void {
    // Whatever the client already has is skipped, even if it arrives here later.
    sub.filters.set(s.key, { skipThroughSeq: seq, notBeforeMs: 0 });
    const at = this.ctx.store.atOrBeforeSeq(s.key, seq);
    if (at !== undefined) return void sub.pos.set(s.key, { typeSeq: at.typeSeq, seq });
    if (seq >= s.head.seq) {
      // Ahead of everything here (e.g. this gateway restarted behind its peers): skip what the client has.
      return void sub.pos.set(s.key, { typeSeq: s.head.typeSeq, seq });
    }
    if (seq >= floor.seq) return void sub.pos.set(s.key, { typeSeq: floor.typeSeq, seq });
    this.lose(sub, s, "RETENTION_EXPIRED", seq + 1, floor.seq, floor.typeSeq);
  }

  private lose(
    sub: Subscription,
    s: Stream,
    reason: GapReason,
    fromSeq: number,
    toSeq: number,
    toTypeSeq: number,
  ): void {
    sub.lose(reason, s.key, { origin: s.origin, type: s.type, fromSeq, toSeq }, toTypeSeq);
    this.ctx.metrics.inc("bus_gaps_total", { reason });
  }

  /** Reads from the log into the queue while it has room, stream by stream. */
  private fill(sub: Subscription): void {
    const { ctx } = this;
    for (const [key, p] of sub.pos) {
      const s = ctx.streams.get(key);
      if (s === undefined || !s.active) continue;
      let pos = p;
      while (pos.typeSeq < s.head.typeSeq) {
        const room = sub.room();
        if (room === 0) return;
        const floor = ctx.store.stream(key)?.floor ?? ZERO_MARK;
        if (pos.typeSeq < floor.typeSeq) {
          this.lose(sub, s, "RETENTION_EXPIRED", pos.seq + 1, floor.seq, floor.typeSeq);
          pos = sub.pos.get(key) ?? floor;
          continue;
        }
        const entries = ctx.store.read(key, pos.typeSeq, Math.min(room, FILL_BATCH), Infinity);
        const last = entries[entries.length - 1];
        if (last === undefined || entries[0] === undefined) {
          // Nothing held up to the head: given up (or evicted meanwhile).
          this.lose(sub, s, "UNRECOVERABLE", pos.seq + 1, s.head.seq, s.head.typeSeq);
          break;
        }
        for (const d of entries) {
          if (d.typeSeq > s.head.typeSeq) break;
          const q = sub.pos.get(key) ?? pos;
          if (d.typeSeq > q.typeSeq + 1)
            this.lose(sub, s, "UNRECOVERABLE", q.seq + 1, d.seq - 1, d.typeSeq - 1);
          sub.offer(key, d, false);
        }
        const next = sub.pos.get(key) ?? pos;
        if (sub.closed || next.typeSeq <= pos.typeSeq || last.typeSeq >= s.head.typeSeq) break;
        pos = next;
      }
    }
  }
}

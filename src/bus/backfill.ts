import { shuffle } from "../transport/index.js";
import { BUS_CHANNEL } from "./channels.js";
import { decodeBusMessage, encodeSyncReq } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import type { GapReason } from "./cursor.js";
import type { Digest } from "./digest.js";
import { ZERO_MARK } from "./log-store.js";
import type { Stream } from "./stream.js";
import type { Subscription } from "./subscription.js";

/** Nodes asked for one stretch before what none of them holds is reported lost: the origin, then six peers. */
const MAX_PEERS = 6;

interface Job {
  readonly sub: Subscription;
  readonly s: Stream;
  tries: number;
  /** Interested peers to ask after the origin, in a random order (drawn on first need). */
  peers: string[] | null;
  /** The lowest floor, above the position, of an asked node holding the stream (what all asked lack is below it). */
  lowestFloor: number;
  inFlight: boolean;
  queued: boolean;
  /** A retry is scheduled. */
  retrying: boolean;
  /** An earliest start: what no node holds before the first retained digest is not a loss. */
  quietLead: boolean;
  /** Asks this round that got no answer (timed out, unreachable): not evidence that nobody holds it. */
  unanswered: number;
  /** Since when this stretch has made no progress. */
  sinceMs: number;
}

export interface BackfillHooks {
  /** The next digest of a stream for `sub`, in order (a catch-up read: never overflows). */
  offer(sub: Subscription, key: string, d: Digest): void;
  /** `sub` is past the backfilled stretch of `s` (or lost it): local delivery goes on. */
  done(sub: Subscription, s: Stream): void;
  /**
   * [from, to] of `s` is lost: RETENTION_EXPIRED when every node asked said
   * it does not hold it, UNRECOVERABLE when some never answered within maxGapWaitMs.
   */
  lost(sub: Subscription, s: Stream, reason: GapReason, fromSeq: number, toSeq: number): void;
}

/**
 * History this node does not hold: a subscription whose start (a resume
 * cursor, or a newer epoch) lies below the local floor of a stream reads the
 * missing stretch from the stream's origin, else from interested peers, in
 * order, straight into its queue (never into the local log). Bounded: one
 * request per subscription and stream at a time, each for at most the
 * subscription's free queue room (and the answerer's maxSyncDigests /
 * maxSyncBytes), and at most `maxConcurrentBackfills` requests in flight per
 * node; the rest wait their turn (bus_backfill_waits_total).
 */
export class Backfill {
  private readonly jobs = new Map<Subscription, Map<string, Job>>();
  private readonly waiting: Job[] = [];
  private inFlight = 0;

  constructor(
    private readonly ctx: BusCtx,
    private readonly hooks: BackfillHooks,
  ) {}

  /** Whether `sub` is backfilling `s` (local delivery of it waits). */
  has(sub: Subscription, key: string): boolean {
    return this.jobs.get(sub)?.has(key) ?? false;
  }

  /** `sub` stands below the local floor of `s`: fetch up to it. `earliest`: no gap before the oldest retained. */
  start(sub: Subscription, s: Stream, earliest = false): void {
    let mine = this.jobs.get(sub);
    if (mine === undefined) this.jobs.set(sub, (mine = new Map()));
    if (mine.has(s.key)) return;
    const job: Job = {
      sub,
      s,
      tries: 0,
      peers: null,
      lowestFloor: Infinity,
      inFlight: false,
      queued: false,
      retrying: false,
      quietLead: earliest,
      unanswered: 0,
      sinceMs: this.ctx.clock.nowMs(),
    };
    mine.set(s.key, job);
    this.ctx.metrics.inc("bus_backfills_total");
    this.step(job);
  }

  /** The consumer made room: resume what waits for it. */
  resume(sub: Subscription): void {
    for (const job of this.jobs.get(sub)?.values() ?? []) this.step(job);
  }

  /** The subscription closed. */
  drop(sub: Subscription): void {
    this.jobs.delete(sub);
  }

  private floorOf(s: Stream): number {
    return (this.ctx.store.stream(s.key)?.floor ?? ZERO_MARK).typeSeq;
  }

  private finish(job: Job): void {
    this.jobs.get(job.sub)?.delete(job.s.key);
    if (this.jobs.get(job.sub)?.size === 0) this.jobs.delete(job.sub);
    this.hooks.done(job.sub, job.s);
  }

  private step(job: Job): void {
    const { sub, s } = job;
    if (sub.closed || this.jobs.get(sub)?.get(s.key) !== job) return;
    // One chain of work per job: an ask in flight, a place in the queue, or a retry pending.
    if (job.inFlight || job.queued || job.retrying) return;
    const pos = sub.pos.get(s.key)?.typeSeq ?? 0;
    const floor = this.floorOf(s);
    if (pos >= floor) return this.finish(job);
    const room = sub.room();
    if (room === 0) return; // resumed when the consumer takes items
    // Wait for a slot before choosing whom to ask (a choice made now would be spent in the queue).
    if (this.inFlight >= this.ctx.cfg.maxConcurrentBackfills) {
      job.queued = true;
      this.waiting.push(job);
      this.ctx.metrics.inc("bus_backfill_waits_total");
      return;
    }
    const target = this.target(job);
    if (target === undefined) return this.roundEnded(job, pos, floor);
    this.ask(job, target, pos, Math.min(floor, pos + room));
  }

  /**
   * Every node of this round was asked. Some did not answer (timed out, or
   * the origin is not reachable now): ask again later, up to maxGapWaitMs
   * without progress. Else what none of them holds is lost (quietly, before
   * the oldest retained, for an earliest start) and the rest comes from who
   * holds it.
   */
  private roundEnded(job: Job, pos: number, floor: number): void {
    const { ctx } = this;
    const { sub, s } = job;
    const waited = ctx.clock.nowMs() - job.sinceMs;
    const unanswered = job.unanswered > 0;
    this.newRound(job);
    if (unanswered && waited < ctx.cfg.maxGapWaitMs) {
      job.retrying = true;
      ctx.clock.setTimer(ctx.cfg.gapRetryMs * 4, () => {
        job.retrying = false;
        this.step(job);
      });
      return;
    }
    const to = Math.min(job.lowestFloor, floor);
    job.lowestFloor = Infinity;
    if (unanswered) this.hooks.lost(sub, s, "UNRECOVERABLE", pos + 1, to);
    else if (job.quietLead) sub.pos.set(s.key, { typeSeq: to });
    else this.hooks.lost(sub, s, "RETENTION_EXPIRED", pos + 1, to);
    job.quietLead = false;
    job.sinceMs = ctx.clock.nowMs();
    if (to >= floor) return this.finish(job);
    this.step(job);
  }

  private newRound(job: Job): void {
    job.tries = 0;
    job.peers = null;
    job.unanswered = 0;
  }

  /** The origin first (if live), then up to MAX_PEERS distinct holders or interested peers; undefined after. */
  private target(job: Job): string | undefined {
    const { ctx } = this;
    const { s } = job;
    if (job.tries === 0) {
      job.tries++;
      // Our own stream: peers may retain more than our log (a smaller retention here).
      if (s.origin !== ctx.self) {
        if (ctx.interest.address(s.origin) !== undefined) return s.origin;
        job.unanswered++; // the origin, not reachable now, may still hold it
      }
    }
    // Peers known to hold the stream (lowest floor first), then other interested ones at random.
    job.peers ??= [
      ...[...s.holders].sort((a, b) => a[1] - b[1]).map(([p]) => p),
      ...shuffle(ctx.interest.interestedList(s.type), ctx.rng),
    ]
      .filter((n, i, all) => n !== ctx.self && n !== s.origin && all.indexOf(n) === i)
      .slice(0, MAX_PEERS);
    while (job.tries <= job.peers.length) {
      const peer = job.peers[job.tries++ - 1] as string;
      if (ctx.interest.address(peer) !== undefined) return peer;
      job.unanswered++; // a known holder, not reachable now: it may still hold it
    }
    return undefined;
  }

  private ask(job: Job, peer: string, pos: number, upTo: number): void {
    const { ctx } = this;
    const { s } = job;
    const address = ctx.interest.address(peer);
    if (address === undefined) {
      job.unanswered++;
      return this.step(job);
    }
    job.inFlight = true;
    this.inFlight++;
    ctx.metrics.inc("bus_backfill_requests_total");
    // A sync request for one stream in gap mode: "after `pos`, up to `upTo`".
    const head = { origin: s.origin, epoch: s.epoch, type: s.type, hwm: pos, floor: 0, upTo };
    const req = encodeSyncReq([s.type], [head], ctx.self);
    ctx.channels.request(BUS_CHANNEL, address, req, ctx.cfg.requestTimeoutMs, (reply) => {
      job.inFlight = false;
      this.inFlight--;
      this.next();
      this.answered(job, peer, pos, reply);
    });
  }

  private answered(job: Job, peer: string, pos: number, reply: Uint8Array | null): void {
    const { ctx } = this;
    const { sub, s } = job;
    if (sub.closed || this.jobs.get(sub)?.get(s.key) !== job) return;
    if ((sub.pos.get(s.key)?.typeSeq ?? 0) !== pos) return this.step(job);
    const r = reply === null ? null : decodeBusMessage(reply, ctx.cfg);
    if (r === null || !r.ok || r.msg.kind !== "sync-resp") {
      ctx.metrics.inc("bus_backfill_failed_total");
      job.unanswered++;
      return this.step(job);
    }
    const theirs = r.msg.heads.find((h) => h.origin === s.origin && h.epoch === s.epoch && h.type === s.type);
    const got: Digest[] = r.msg.digests.filter(
      (d) => d.origin === s.origin && d.epoch === s.epoch && d.type === s.type,
    );
    got.sort((a, b) => a.typeSeq - b.typeSeq);
    const floor = this.floorOf(s);
    let at = pos;
    for (const d of got) {
      if (d.typeSeq !== at + 1 || d.typeSeq > floor) break;
      this.hooks.offer(sub, s.key, d);
      at = d.typeSeq;
    }
    ctx.metrics.inc("bus_backfilled_total", undefined, at - pos);
    if (at > pos) {
      job.quietLead = false;
      this.newRound(job);
      job.lowestFloor = Infinity;
      job.sinceMs = ctx.clock.nowMs();
      return this.step(job);
    }
    // Nothing right after `pos` there: it lacks it (its floor is above), or does not hold the stream.
    if (theirs !== undefined && theirs.floor > pos) job.lowestFloor = Math.min(job.lowestFloor, theirs.floor);
    this.step(job);
  }

  private next(): void {
    while (this.inFlight < this.ctx.cfg.maxConcurrentBackfills) {
      const job = this.waiting.shift();
      if (job === undefined) return;
      job.queued = false;
      this.step(job);
    }
  }
}

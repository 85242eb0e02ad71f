import { BUS_CHANNEL } from "./channels.js";
import { decodeBusMessage, encodeSeekReq, encodeSeekResp } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import { streamKey } from "./digest.js";
import type { Mark } from "./log-store.js";
import type { Stream } from "./stream.js";

/**
 * Where does a stream start for us? A node that meets a stream it did not
 * know asks the stream's origin (else an interested peer): "the digests
 * stored since my interest began (an age the answerer reads on its own
 * clock, plus a transit grace), or after this cursor sequence: where do they
 * start?". The answer becomes the
 * stream's floor here; repair then fetches from it. This is what makes a
 * subscriber that was there before the stream's first digest get that digest
 * even when its push was lost, while a newcomer to an old stream starts at
 * the live head instead of replaying the whole retention log.
 */
export class Seeker {
  constructor(private readonly ctx: BusCtx) {}

  /** One seek exchange for a seeking stream; odd attempts go to a random interested peer. */
  seek(s: Stream): void {
    const { ctx } = this;
    if (s.active || s.seekInFlight) return;
    const peers = ctx.interest.interestedList(s.type).filter((n) => n !== ctx.self && n !== s.origin);
    const useOrigin =
      s.origin !== ctx.self &&
      ctx.interest.address(s.origin) !== undefined &&
      (s.seekTries % 2 === 0 || peers.length === 0);
    const target = useOrigin ? s.origin : peers[ctx.rng.int(peers.length)];
    const address = target === undefined ? undefined : ctx.interest.address(target);
    s.seekTries++;
    if (address === undefined) return;
    const since = ctx.myTypes.get(s.type);
    // An age, not a time: the answerer subtracts it from its own clock.
    const agoMs =
      since === undefined ? null : Math.max(0, Math.floor(ctx.clock.nowMs() - since) + ctx.cfg.startGraceMs);
    s.seekInFlight = true;
    ctx.metrics.inc("bus_seeks_total", { role: "ask" });
    const req = encodeSeekReq(s.origin, s.epoch, s.type, agoMs, s.seekAfterTypeSeq);
    ctx.channels.request(BUS_CHANNEL, address, req, ctx.cfg.requestTimeoutMs, (reply) => {
      s.seekInFlight = false;
      if (reply === null || s.active) return;
      const r = decodeBusMessage(reply, ctx.cfg);
      if (!r.ok || r.msg.kind !== "seek-resp") return ctx.metrics.inc("bus_seek_failed_total");
      if (!r.msg.found) return;
      s.liveFrom = r.msg.liveTypeSeq;
      ctx.activate(s, { typeSeq: r.msg.afterTypeSeq, seq: r.msg.afterSeq, publishTimeMs: 0 });
    });
  }

  /**
   * Answers from our log: the mark just before the first digest wanted
   * (earliest of the two criteria). "Since `sinceAgoMs` ago" is read on this
   * node's clock against when entries were stored here, so no two clocks are
   * ever compared.
   */
  answer(
    origin: string,
    epoch: number,
    type: string,
    sinceAgoMs: number | null,
    afterTypeSeq: number | null,
  ): Uint8Array {
    const { ctx } = this;
    ctx.metrics.inc("bus_seeks_total", { role: "answer" });
    const key = streamKey(origin, epoch, type);
    const s = ctx.streams.get(key);
    const info = ctx.store.stream(key);
    if (s === undefined || !s.active || info === undefined) return encodeSeekResp(false, 0, 0, 0, 0);
    const head = s.head;
    const floor = info.floor;
    let live: Mark = head;
    if (sinceAgoMs !== null) {
      const first = ctx.store.firstStoredAtOrAfter(key, ctx.clock.nowMs() - sinceAgoMs);
      if (first !== undefined) live = this.before(key, first, floor);
    }
    let after = live;
    if (afterTypeSeq !== null) {
      const m = afterTypeSeq <= floor.typeSeq ? floor : (ctx.store.atOrBefore(key, afterTypeSeq) ?? floor);
      const bySeq = afterTypeSeq >= head.typeSeq ? head : m;
      if (bySeq.typeSeq < after.typeSeq) after = bySeq;
    }
    return encodeSeekResp(true, after.typeSeq, after.seq, head.typeSeq, live.typeSeq);
  }

  /** The held entry right before `m`, or the floor when `m` is the first held. */
  private before(key: string, m: Mark, floor: Mark): Mark {
    if (m.typeSeq <= floor.typeSeq + 1) return floor;
    const prev = this.ctx.store.atOrBefore(key, m.typeSeq - 1);
    return prev ?? floor;
  }
}

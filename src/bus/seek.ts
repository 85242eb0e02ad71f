import { BUS_CHANNEL } from "./channels.js";
import { decodeBusMessage, encodeSeekReq, encodeSeekResp } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import { streamKey } from "./digest.js";
import type { Mark } from "./log-store.js";
import type { Stream } from "./stream.js";

/**
 * Where does a stream start for us? A node that meets a stream it did not
 * know asks the stream's origin (else an interested peer): "the digests
 * published since my interest began (minus a clock-skew grace), or after
 * this cursor sequence: where do they start?". The answer becomes the
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
      ctx.interest.address(s.origin) !== undefined && (s.seekTries % 2 === 0 || peers.length === 0);
    const target = useOrigin ? s.origin : peers[ctx.rng.int(peers.length)];
    const address = target === undefined ? undefined : ctx.interest.address(target);
    s.seekTries++;
    if (address === undefined) return;
    const since = ctx.myTypes.get(s.type);
    const fromTimeMs = since === undefined ? null : Math.max(0, since - ctx.cfg.startGraceMs);
    s.seekInFlight = true;
    ctx.metrics.inc("bus_seeks_total", { role: "ask" });
    const req = encodeSeekReq(s.origin, s.type, fromTimeMs, s.seekAfterSeq);
    ctx.channels.request(BUS_CHANNEL, address, req, ctx.cfg.requestTimeoutMs, (reply) => {
      s.seekInFlight = false;
      if (reply === null || s.active) return;
      const r = decodeBusMessage(reply, ctx.cfg);
      if (!r.ok || r.msg.kind !== "seek-resp") return ctx.metrics.inc("bus_seek_failed_total");
      if (!r.msg.found) return;
      ctx.activate(s, { typeSeq: r.msg.afterTypeSeq, seq: r.msg.afterSeq, publishTimeMs: 0 });
    });
  }

  /** Answers from our log: the mark just before the first digest wanted (earliest of the two criteria). */
  answer(origin: string, type: string, fromTimeMs: number | null, afterSeq: number | null): Uint8Array {
    const { ctx } = this;
    ctx.metrics.inc("bus_seeks_total", { role: "answer" });
    const key = streamKey(origin, type);
    const s = ctx.streams.get(key);
    const info = ctx.store.stream(key);
    if (s === undefined || !s.active || info === undefined) return encodeSeekResp(false, 0, 0, 0);
    const head = s.head;
    const floor = info.floor;
    let after: Mark = head;
    if (fromTimeMs !== null) {
      const first = ctx.store.firstAtOrAfterTime(key, fromTimeMs);
      if (first !== undefined) after = this.before(key, first, floor);
    }
    if (afterSeq !== null) {
      const m = afterSeq < floor.seq ? floor : (ctx.store.atOrBeforeSeq(key, afterSeq) ?? floor);
      const bySeq = afterSeq >= head.seq ? head : m;
      if (bySeq.typeSeq < after.typeSeq) after = bySeq;
    }
    return encodeSeekResp(true, after.typeSeq, after.seq, head.typeSeq);
  }

  /** The held entry right before `m`, or the floor when `m` is the first held. */
  private before(key: string, m: Mark, floor: Mark): Mark {
    if (m.typeSeq <= floor.typeSeq + 1) return floor;
    const prev = this.ctx.store.atOrBeforeSeq(key, m.seq - 1);
    return prev ?? floor;
  }
}

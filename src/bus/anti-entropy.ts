import { BUS_CHANNEL } from "./channels.js";
import { decodeBusMessage, encodeSyncReq, syncRespWriter, type Head } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import { streamKey } from "./digest.js";
import type { Stream } from "./stream.js";

/**
 * Anti-entropy, push-pull style: the asker sends its per-stream high-water
 * marks (for the types it wants); the answerer returns what the asker misses
 * from its retention log (bounded), plus its own heads, and pulls back right
 * away if the asker is ahead of it anywhere. Payloads only ever flow for
 * types the asker named, so uninterested nodes never receive them.
 */
export class AntiEntropy {
  private readonly inFlight = new Set<string>();

  constructor(private readonly ctx: BusCtx) {}

  /**
   * Periodic round: one random peer among those sharing our types, the
   * origins of our streams, and those wanting what we publish (a publisher
   * with no subscriptions of its own offers its heads, so a stream whose
   * every push was lost is still found).
   */
  round(): void {
    const { ctx } = this;
    const candidates = new Set<string>();
    for (const t of ctx.myTypes.keys()) for (const n of ctx.interest.interested(t)) candidates.add(n);
    for (const s of ctx.streams.values()) {
      if (ctx.myTypes.has(s.type) && ctx.interest.address(s.origin) !== undefined) candidates.add(s.origin);
      else if (s.origin === ctx.self && s.epoch === ctx.epoch)
        for (const n of ctx.interest.interested(s.type)) candidates.add(n);
    }
    candidates.delete(ctx.self);
    const list = [...candidates];
    const peer = list[ctx.rng.int(list.length)];
    if (peer !== undefined) this.syncWith(peer);
  }

  /** Repair of one stream's gap: ask its origin, else a random interested peer. */
  pull(s: Stream): void {
    const { ctx } = this;
    if (ctx.interest.address(s.origin) !== undefined && this.syncWith(s.origin)) return;
    const peers = ctx.interest.interestedList(s.type).filter((n) => n !== ctx.self && n !== s.origin);
    const peer = peers[ctx.rng.int(peers.length)];
    if (peer !== undefined) this.syncWith(peer);
  }

  /** Starts one exchange with `peer`; false if one is already in flight or at the concurrency bound. */
  syncWith(peer: string): boolean {
    const { ctx } = this;
    const address = ctx.interest.address(peer);
    if (address === undefined || peer === ctx.self) return false;
    if (this.inFlight.has(peer) || this.inFlight.size >= ctx.cfg.maxConcurrentSyncs) return false;
    const types = [...ctx.myTypes.keys()].slice(0, ctx.cfg.maxInterestTypes);
    const heads = headsOf(
      ctx,
      (s) => ctx.myTypes.has(s.type) || (s.origin === ctx.self && ctx.interest.wants(peer, s.type)),
      true,
    );
    if (types.length === 0 && heads.length === 0) return false;
    this.inFlight.add(peer);
    ctx.metrics.inc("bus_syncs_total", { role: "ask" });
    ctx.channels.request(
      BUS_CHANNEL,
      address,
      encodeSyncReq(types, heads, ctx.self),
      ctx.cfg.requestTimeoutMs,
      (reply) => {
        this.inFlight.delete(peer);
        if (reply === null) return ctx.metrics.inc("bus_sync_failed_total", { error: "no-reply" });
        const r = decodeBusMessage(reply, ctx.cfg);
        if (!r.ok || r.msg.kind !== "sync-resp") {
          return ctx.metrics.inc("bus_sync_failed_total", { error: r.ok ? "unexpected" : r.error });
        }
        if (r.msg.refused > 0) ctx.metrics.inc("bus_refused_total", { reason: "record" }, r.msg.refused);
        let behind = false;
        for (const h of r.msg.heads) behind = this.learn(peer, h) || behind;
        ctx.receive(r.msg.digests, peer, "sync");
        ctx.metrics.inc("bus_repaired_total", undefined, r.msg.digests.length);
        // A bounded answer may leave more to fetch: continue at once.
        if (behind && r.msg.digests.length > 0) this.syncWith(peer);
      },
    );
    return true;
  }

  /** Answers a sync request from `sender` (a member name, trusted only if we know it), arriving from `fromAddress`. */
  answer(fromAddress: string, types: string[], theirHeads: Head[], sender?: string): Uint8Array {
    const { ctx } = this;
    const peer =
      sender !== undefined && ctx.interest.address(sender) !== undefined
        ? sender
        : ctx.interest.nameAt(fromAddress);
    const wanted = new Set(types);
    ctx.metrics.inc("bus_syncs_total", { role: "answer" });
    const writer = syncRespWriter(headsOf(ctx, (s) => wanted.has(s.type)));
    const theirs = new Map<string, Head>();
    let peerAhead = false;
    for (const h of theirHeads) {
      const s = ctx.streams.get(streamKey(h.origin, h.epoch, h.type));
      if (s !== undefined && wanted.has(h.type)) theirs.set(s.key, h);
      if (peer !== undefined) peerAhead = this.learn(peer, h) || peerAhead;
    }
    // Streams of the asker's own name are answered too: its earlier epochs (a restart without its
    // data dir) come back this way; its current one is never behind ours.
    const streams = [...ctx.streams.values()].filter((s) => s.active && theirs.has(s.key));
    const offset = ctx.rng.int(streams.length);
    // Without a known gap, what was published just now is most likely still on its way by push.
    const recent = ctx.clock.nowMs() - ctx.cfg.syncRecentGraceMs;
    let count = 0;
    for (let i = 0; i < streams.length && count < ctx.cfg.maxSyncDigests; i++) {
      const s = streams[(offset + i) % streams.length] as Stream;
      const h = theirs.get(s.key) as Head;
      if (h.hwm >= s.head.typeSeq) continue;
      const gap = h.upTo > h.hwm;
      const upTo = gap ? h.upTo : Infinity;
      const max = Math.min(ctx.cfg.maxSyncDigests - count, upTo - h.hwm);
      const entries = ctx.store.read(s.key, h.hwm, max, ctx.cfg.maxSyncBytes);
      let full = false;
      for (const d of entries) {
        if (d.typeSeq > upTo || (!gap && d.publishTimeMs > recent)) break;
        if (!writer.tryAdd(d, ctx.cfg.maxSyncBytes, true)) {
          full = true;
          break;
        }
        count++;
      }
      if (full) break;
    }
    if (peerAhead && peer !== undefined) ctx.clock.setTimer(0, () => this.syncWith(peer));
    return writer.finish();
  }

  /** Applies a peer's head; true if the peer is ahead of us on a stream we want. */
  private learn(peer: string, h: Head): boolean {
    const { ctx } = this;
    if (h.origin === ctx.self && h.epoch === ctx.epoch) {
      ctx.streams.get(streamKey(h.origin, h.epoch, h.type))?.noteHolder(peer, h.floor);
      return false;
    }
    if (!ctx.myTypes.has(h.type)) return false;
    const s = ctx.streamFor(h.origin, h.epoch, h.type);
    if (s === undefined) return false;
    s.advertised = Math.max(s.advertised, h.hwm);
    if (h.hwm > h.floor) s.noteHolder(peer, h.floor);
    if (!s.active) return false;
    if (peer === s.origin && s.held > 0 && h.floor > s.head.typeSeq) s.originLacks = true;
    return h.hwm > s.head.typeSeq && h.floor <= s.head.typeSeq;
  }
}

/**
 * This node's heads of the active streams `want` picks (at most maxSyncHeads);
 * asking, a stream with a gap bounds the answer to the gap (`upTo`).
 */
export function headsOf(ctx: BusCtx, want: (s: Stream) => boolean, asking = false): Head[] {
  const out: Head[] = [];
  for (const s of ctx.streams.values()) {
    if (!s.active || !want(s)) continue;
    const floor = ctx.store.stream(s.key)?.floor.typeSeq ?? s.head.typeSeq;
    const low = asking && s.held > 0 ? s.lowestHeld() : undefined;
    const upTo = low === undefined ? 0 : low.typeSeq - 1;
    out.push({ origin: s.origin, epoch: s.epoch, type: s.type, hwm: s.head.typeSeq, floor, upTo });
    if (out.length >= ctx.cfg.maxSyncHeads) break;
  }
  return out;
}

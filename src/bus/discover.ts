import { shuffle } from "../transport/index.js";
import { BUS_CHANNEL } from "./channels.js";
import { headsOf } from "./anti-entropy.js";
import { decodeBusMessage, encodeDiscoverReq, encodeDiscoverResp } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import { streamKey } from "./digest.js";
import type { Subscription } from "./subscription.js";

/** One ask of live peers for the streams of some types, and the subscriptions waiting on it. */
interface Round {
  readonly types: ReadonlySet<string>;
  outstanding: number;
  readonly waiters: Set<Subscription>;
}

/**
 * Stream discovery for subscriptions that reach into the past (earliest, or a
 * resume cursor): before such a subscription can say it has caught up, this
 * node asks live peers (at most `maxDiscoveryPeers`, at random) which streams
 * of its types they hold, and starts seeking each one it did not know. A type
 * asked about within `discoveryReuseMs`, and wanted here ever since, is not
 * asked again (streams that appear later reach us by push and sync anyway,
 * as long as we want the type), and subscriptions arriving
 * while a round is in flight wait on that round: a thousand late subscribers
 * cost one round, not a thousand.
 */
export class Discovery {
  private readonly inFlight = new Map<string, Round>();
  private readonly doneAt = new Map<string, number>();

  constructor(
    private readonly ctx: BusCtx,
    private readonly settled: (sub: Subscription) => void,
  ) {}

  /** Starts (or joins) discovery for what `sub` needs; `sub.discovering` counts the rounds it waits on. */
  discover(sub: Subscription): void {
    const { ctx } = this;
    if (sub.start === "latest" && sub.cursorAt.size === 0) return;
    const now = ctx.clock.nowMs();
    const rounds = new Set<Round>();
    const fresh: string[] = [];
    for (const t of sub.types) {
      const r = this.inFlight.get(t);
      if (r !== undefined) rounds.add(r);
      else if (now - (this.doneAt.get(t) ?? -Infinity) >= ctx.cfg.discoveryReuseMs) fresh.push(t);
    }
    if (fresh.length > 0) {
      const r = this.start(fresh);
      if (r !== null) rounds.add(r);
    }
    for (const r of rounds) {
      r.waiters.add(sub);
      sub.discovering++;
    }
  }

  /**
   * No local subscription wants `type` any more: this node stops taking its
   * digests, so what it knows of its streams goes stale. The next subscriber
   * to reach into its past discovers again.
   */
  forget(type: string): void {
    this.doneAt.delete(type);
  }

  /** Answers a peer: the heads of the streams of `types` held here (bounded by maxSyncHeads). */
  answer(types: string[]): Uint8Array {
    const { ctx } = this;
    const wanted = new Set(types);
    ctx.metrics.inc("bus_discoveries_total", { role: "answer" });
    return encodeDiscoverResp(headsOf(ctx, (s) => wanted.has(s.type)));
  }

  private start(types: string[]): Round | null {
    const { ctx } = this;
    const peers = shuffle(
      [...ctx.interest.liveNames()].filter((n) => n !== ctx.self),
      ctx.rng,
    ).slice(0, ctx.cfg.maxDiscoveryPeers);
    const now = ctx.clock.nowMs();
    if (peers.length === 0) {
      for (const t of types) this.doneAt.set(t, now);
      return null;
    }
    const round: Round = { types: new Set(types), outstanding: peers.length, waiters: new Set() };
    for (const t of types) this.inFlight.set(t, round);
    ctx.metrics.inc("bus_discoveries_total", { role: "ask" });
    const req = encodeDiscoverReq(types);
    for (const peer of peers) {
      const address = ctx.interest.address(peer) as string;
      ctx.channels.request(BUS_CHANNEL, address, req, ctx.cfg.requestTimeoutMs, (reply) => {
        if (reply !== null) this.learn(round, peer, reply);
        if (--round.outstanding === 0) this.finish(round);
      });
    }
    return round;
  }

  private learn(round: Round, peer: string, reply: Uint8Array): void {
    const { ctx } = this;
    const r = decodeBusMessage(reply, ctx.cfg);
    if (!r.ok || r.msg.kind !== "discover-resp") {
      ctx.metrics.inc("bus_discover_failed_total");
      return;
    }
    for (const h of r.msg.heads) {
      if (!round.types.has(h.type) || !ctx.myTypes.has(h.type)) continue;
      const own = h.origin === ctx.self && h.epoch === ctx.epoch;
      const s = own
        ? ctx.streams.get(streamKey(h.origin, h.epoch, h.type))
        : ctx.streamFor(h.origin, h.epoch, h.type);
      if (s === undefined) continue;
      if (!own) s.advertised = Math.max(s.advertised, h.hwm);
      if (h.hwm > h.floor) s.noteHolder(peer, h.floor);
    }
  }

  private finish(round: Round): void {
    const now = this.ctx.clock.nowMs();
    for (const t of round.types) {
      if (this.inFlight.get(t) === round) this.inFlight.delete(t);
      this.doneAt.set(t, now);
    }
    // Only types still wanted are remembered (the map stays bounded by interest).
    for (const t of this.doneAt.keys()) if (!this.ctx.myTypes.has(t)) this.doneAt.delete(t);
    for (const sub of round.waiters) {
      sub.discovering--;
      this.settled(sub);
    }
  }
}

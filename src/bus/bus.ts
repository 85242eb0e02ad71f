import { type Overlay } from "../overlay/index.js";
import { nullLogger, nullMetrics, type Logger, type Metrics } from "../observe/index.js";
import { periodic, type Clock, type PeriodicTimer, type Rng } from "../transport/index.js";
import { ConfigError, fail, type Failure } from "../errors/index.js";
import { BUS_CHANNEL, Channels } from "./channels.js";
import { busConfig, validateBusConfig, type BusConfig } from "./config.js";
import type { BusCtx } from "./ctx.js";
import { Delivery } from "./delivery.js";
import { Discovery } from "./discover.js";
import {
  checkPublish,
  copyBytes,
  ownHeaders,
  originTypeKey,
  ownPayload,
  streamKey,
  type Digest,
  type PublishInput,
} from "./digest.js";
import { InterestIndex } from "./interest.js";
import { busInvariant } from "./invariants.js";
import { ZERO_MARK, type LogStore, type Mark } from "./log-store.js";
import { Repairer } from "./repair.js";
import { Seeker } from "./seek.js";
import { Stream } from "./stream.js";
import { checkSubscribe, resumePositions, setInterest, type SubscribeOptions } from "./subscribe.js";
import { Inbound } from "./inbound.js";
import { Subscription } from "./subscription.js";
import { Pusher } from "./pusher.js";
import { AntiEntropy } from "./anti-entropy.js";

/** Everything the bus needs from its host; nothing is global. */
export interface BusDeps {
  overlay: Overlay;
  clock: Clock;
  rng: Rng;
  /** Retention log: MemoryLogStore in the simulator, FileLogStore in a data dir. The host closes it. */
  store: LogStore;
  /** Share one mux with other overlay users (the registry); created if absent. */
  channels?: Channels;
  logger?: Logger;
  metrics?: Metrics;
  /** A broken invariant throws (the simulator) instead of being logged and counted. */
  strictInvariants?: boolean;
}

export type PublishResult = { ok: true; digest: Digest } | Failure;
export type SubscribeResult = { ok: true; subscription: Subscription } | Failure;

export interface BusStats {
  streams: number;
  heldBack: number;
  subscriptions: number;
  interestTypes: number;
  logDigests: number;
  logBytes: number;
}

/**
 * The digest bus of one node: an I/O-free state machine on an Overlay, an
 * injected clock and Rng, and a LogStore. Order is guaranteed per origin
 * within a type (per stream); digests of different streams interleave as
 * they arrive.
 */
export class Bus {
  readonly config: BusConfig;
  readonly channels: Channels;
  private readonly ctx: BusCtx;
  private readonly pusher: Pusher;
  private readonly antiEntropy: AntiEntropy;
  private readonly seeker: Seeker;
  private readonly delivery: Delivery;
  private readonly discovery: Discovery;
  private readonly repairer: Repairer;
  private readonly timers = new Map<string, PeriodicTimer>();
  private lastSeq = 0;
  private lastPublishMs = 0;
  private nextSubId = 1;
  private running = false;
  private lastStream: Stream | null = null;
  /** One stream per (origin, type) key, through which its epochs list is reached. */
  private readonly epochsOf = new Map<string, Stream>();
  private unlisten: () => void = () => {};

  constructor(
    private readonly deps: BusDeps,
    config: Partial<BusConfig> = {},
  ) {
    this.config = busConfig(config);
    const problems = validateBusConfig(this.config);
    if (problems.length > 0) throw new ConfigError("bus config", problems);
    const metrics = deps.metrics ?? nullMetrics;
    this.channels = deps.channels ?? new Channels(deps.overlay, metrics);
    this.ctx = {
      cfg: this.config,
      self: deps.overlay.name,
      clock: deps.clock,
      rng: deps.rng,
      log: deps.logger ?? nullLogger,
      metrics,
      store: deps.store,
      check: busInvariant(
        deps.strictInvariants ?? false,
        deps.overlay.name,
        deps.logger ?? nullLogger,
        metrics,
      ),
      epoch: deps.store.epoch,
      channels: this.channels,
      interest: new InterestIndex(this.config.maxInterestTypes),
      streams: new Map(),
      myTypes: new Map(),
      receive: (ds, from, via) => this.receiveAll(ds, from, via),
      streamFor: (origin, epoch, type) => this.streamFor(origin, epoch, type),
      activate: (s, after) => this.activate(s, after),
    };
    const budget = this.config.packetBudgetBytes || deps.overlay.config.udpBudgetBytes - 64;
    this.pusher = new Pusher(this.ctx, budget - 1);
    this.antiEntropy = new AntiEntropy(this.ctx);
    this.seeker = new Seeker(this.ctx);
    this.delivery = new Delivery(this.ctx);
    this.discovery = new Discovery(this.ctx, (sub) => this.delivery.scheduleFill(sub));
    this.repairer = new Repairer(this.ctx, this.antiEntropy, this.seeker, this.delivery, (s) =>
      this.drainReady(s),
    );
    this.restore();
  }

  /** Installs the channel handlers and member listener, and starts the periodic work. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { overlay } = this.deps;
    for (const m of overlay.members()) this.ctx.interest.update(m);
    this.unlisten = overlay.on((e) => {
      if (e.type === "reap") return this.ctx.interest.remove(e.member.name);
      const before = this.ownTypesWantedBy(e.member.name);
      this.ctx.interest.update(e.member);
      const gained = this.ownTypesWantedBy(e.member.name).filter((t) => !before.includes(t));
      if (gained.length > 0) this.offerStreams(e.member.name, 0);
    });
    const inbound = new Inbound(this.ctx, this.antiEntropy, this.seeker, this.discovery);
    const port = this.channels.claim(BUS_CHANNEL, "bus");
    port.onPacket((from, payload) => inbound.packet(from, payload));
    port.onRequest((from, payload, reply) => inbound.request(from, payload, reply));
    const cfg = this.config;
    const r = this.ctx.rng;
    this.every(
      "anti-entropy",
      () => cfg.antiEntropyIntervalMs * (0.5 + r.next()),
      () => this.antiEntropy.round(),
    );
    this.every(
      "repair",
      () => cfg.repairTickMs,
      () => this.repairer.tick(),
    );
    this.every(
      "evict",
      () => 1000,
      () => {
        this.deps.store.evict(this.ctx.clock.nowMs());
        this.delivery.retry();
      },
    );
  }

  /** Stops timers and inbound handling. Subscriptions stay readable; the store stays open (its owner closes it). */
  stop(): void {
    this.running = false;
    this.unlisten();
    for (const t of this.timers.values()) t.stop();
    this.timers.clear();
    this.pusher.stop();
    const port = this.channels.claim(BUS_CHANNEL, "bus");
    port.onPacket(() => {});
    port.onRequest(() => {});
  }

  /** Types of our own streams that `peer` subscribes to. */
  private ownTypesWantedBy(peer: string): string[] {
    const out: string[] = [];
    for (const st of this.ctx.streams.values()) {
      if (this.isOwn(st) && this.ctx.interest.wants(peer, st.type)) out.push(st.type);
    }
    return out;
  }

  /**
   * A peer just became interested in types we publish: tell it our heads at
   * once (a sync carries them), so it learns of streams whose digests were
   * pushed before its interest reached us and repairs them, instead of waiting
   * for anti-entropy to happen upon us. Retried a few times when a sync with
   * it is already in flight.
   */
  private offerStreams(peer: string, attempt: number): void {
    if (!this.running || attempt > 5) return;
    if (!this.antiEntropy.syncWith(peer)) {
      this.ctx.clock.setTimer(100 * (attempt + 1), () => this.offerStreams(peer, attempt + 1));
    }
  }

  /** Assigns the origin sequence, appends to the log, delivers locally and eager-pushes to interested peers. */
  publish(input: PublishInput): PublishResult {
    const check = checkPublish(input, this.config);
    if (!check.ok) return check;
    const s = this.streamFor(this.ctx.self, this.ctx.epoch, input.type);
    if (s === undefined)
      return fail("RESOURCE_EXHAUSTED", `type: more than maxStreams (${this.config.maxStreams}) streams`);
    // Whole milliseconds on the wire (a real clock has fractions; peers refuse non-integers).
    const now = Math.floor(this.ctx.clock.nowMs());
    this.lastPublishMs = Math.max(now, this.lastPublishMs);
    const d: Digest = {
      type: input.type,
      // A copy: the caller's bytes are often a view of a whole request buffer, which retention must not pin.
      payload: copyBytes(input.payload),
      origin: this.ctx.self,
      epoch: this.ctx.epoch,
      seq: ++this.lastSeq,
      typeSeq: s.head.typeSeq + 1,
      publishTimeMs: this.lastPublishMs,
      headers: ownHeaders(input.headers),
    };
    this.commit(s, d, now);
    this.ctx.metrics.inc("bus_published_total");
    if (this.running) this.pusher.spread(d, null);
    return { ok: true, digest: d };
  }

  /** A bounded local subscription; changes this node's gossiped interest. */
  subscribe(opts: SubscribeOptions): SubscribeResult {
    const { ctx } = this;
    const check = checkSubscribe(opts, this.config, this.delivery.subs.size);
    if (!check.ok) return check;
    const types = new Set(opts.types);
    const now = ctx.clock.nowMs();
    const added = [...types].filter((t) => !ctx.myTypes.has(t));
    for (const t of added) ctx.myTypes.set(t, now);
    if (added.length > 0) {
      const r = setInterest(this.deps.overlay, ctx.myTypes, this.config);
      if (!r.ok) {
        for (const t of added) ctx.myTypes.delete(t);
        return r;
      }
    }
    const cursor = resumePositions(opts.resumeFrom).filter((p) => types.has(p.type));
    const sub = new Subscription(
      this.nextSubId++,
      types,
      opts.start ?? "latest",
      opts.maxQueued ?? this.config.defaultMaxQueued,
      now,
      cursor,
      {
        defer: (fn) => void ctx.clock.setTimer(0, fn),
        taken: (x) => this.delivery.scheduleFill(x),
        closed: (x) => this.unsubscribe(x),
      },
    );
    for (const p of cursor) {
      // A cursor of a known epoch names its stream: seek it now (one of no epoch waits to meet it).
      if (p.epoch !== 0 && !(p.origin === ctx.self && p.epoch === ctx.epoch))
        this.streamFor(p.origin, p.epoch, p.type);
    }
    if (this.running) this.discovery.discover(sub);
    this.delivery.add(sub);
    for (const s of ctx.streams.values()) if (!s.active && types.has(s.type)) this.wantFrom(s);
    return { ok: true, subscription: sub };
  }

  stats(): BusStats {
    let held = 0;
    for (const s of this.ctx.streams.values()) held += s.held;
    return {
      streams: this.ctx.streams.size,
      heldBack: held,
      subscriptions: this.delivery.subs.size,
      interestTypes: this.ctx.myTypes.size,
      logDigests: this.deps.store.count,
      logBytes: this.deps.store.bytes,
    };
  }

  /** This node's own epoch: the one its digests carry. */
  get epoch(): number {
    return this.ctx.epoch;
  }

  /** This node's head of a stream (tests, admin): the contiguous type sequence, or undefined. Epoch: the newest known. */
  head(origin: string, type: string, epoch?: number): Mark | undefined {
    let s: Stream | undefined;
    for (const st of this.ctx.streams.values())
      if (
        st.origin === origin &&
        st.type === type &&
        (epoch === undefined ? s === undefined || st.epoch > s.epoch : st.epoch === epoch)
      )
        s = st;
    return s?.active ? { ...s.head } : undefined;
  }

  private isOwn(s: Stream): boolean {
    return s.origin === this.ctx.self && s.epoch === this.ctx.epoch;
  }

  private unsubscribe(sub: Subscription): void {
    this.delivery.remove(sub);
    const gone = [...sub.types].filter((t) => !this.delivery.wanted(t));
    if (gone.length === 0) return;
    for (const t of gone) {
      this.ctx.myTypes.delete(t);
      this.discovery.forget(t);
    }
    setInterest(this.deps.overlay, this.ctx.myTypes, this.config);
  }

  /** Digests from a peer, in order; drops are counted by reason once per call (labels cost a string each). */
  private receiveAll(ds: readonly Digest[], from: string | null, via: "push" | "sync"): void {
    let dropped: Record<string, number> | null = null;
    for (const d of ds) {
      const r = this.receive(d, from, via);
      if (r !== null) (dropped ??= {})[r] = (dropped[r] ?? 0) + 1;
    }
    for (const reason in dropped) this.ctx.metrics.inc("bus_dropped_total", { reason }, dropped[reason]);
  }

  /** Null when taken (committed or held back), else why it was dropped. */
  private receive(d: Digest, from: string | null, via: "push" | "sync"): string | null {
    const { ctx } = this;
    if (!this.running) return null;
    if (d.origin === ctx.self && d.epoch === ctx.epoch) return "own";
    if (!ctx.myTypes.has(d.type)) return "uninterested";
    const s = this.streamFor(d.origin, d.epoch, d.type);
    if (s === undefined) return "streams-limit";
    if (!s.active && d.typeSeq === 1) this.activate(s, ZERO_MARK);
    const r = s.offer(d, this.config);
    if (r === "commit" || r === "held") ownPayload(d);
    if (r === "commit") {
      this.commit(s, d, undefined, via === "push");
      this.drainReady(s);
    } else if (r === "held") {
      if (s.active) {
        s.gapSinceMs ??= ctx.clock.nowMs();
        this.repairer.gapped.add(s);
      }
    } else {
      return r;
    }
    if (via === "push") this.pusher.spread(d, from);
    return null;
  }

  /** `live`: a new digest (published here, or pushed); a repaired or released one never overflows a subscriber. */
  private commit(s: Stream, d: Digest, now = this.ctx.clock.nowMs(), live = true): void {
    this.ctx.check(
      d.typeSeq === s.head.typeSeq + 1 && s.active,
      "a stream commits its head's next digest",
      () => ({
        stream: s.key,
        head: s.head.typeSeq,
        typeSeq: d.typeSeq,
        active: s.active,
      }),
    );
    if (!this.deps.store.append(d, now)) this.ctx.metrics.inc("bus_store_refused_total");
    s.advance(d, now);
    this.delivery.committed(s, d, live);
  }

  private drainReady(s: Stream): void {
    for (let d = s.nextReady(); d !== undefined; d = s.nextReady()) this.commit(s, d, undefined, false);
    if (s.held === 0) this.repairer.gapped.delete(s);
    else {
      s.gapSinceMs ??= this.ctx.clock.nowMs();
      this.repairer.gapped.add(s);
    }
  }

  private streamFor(origin: string, epoch: number, type: string): Stream | undefined {
    const { ctx } = this;
    // Consecutive digests are mostly of one stream: skip building its key then.
    const last = this.lastStream;
    if (
      last !== null &&
      last.origin === origin &&
      last.epoch === epoch &&
      last.type === type &&
      ctx.streams.get(last.key) === last
    )
      return last;
    const key = streamKey(origin, epoch, type);
    let s = ctx.streams.get(key);
    if (s !== undefined) return (this.lastStream = s);
    if (ctx.streams.size >= this.config.maxStreams) return undefined;
    s = new Stream(key, origin, epoch, type);
    this.addStream(s);
    if (this.isOwn(s)) {
      s.activate(ZERO_MARK, ctx.clock.nowMs());
      return s;
    }
    this.noteEpoch(s);
    this.wantFrom(s);
    s.seekSinceMs = ctx.clock.nowMs();
    this.repairer.seeking.add(s);
    const created = s;
    ctx.clock.setTimer(0, () => this.seeker.seek(created));
    return s;
  }

  /** Registers a new stream, linked with the other epochs of its (origin, type). */
  private addStream(s: Stream): void {
    const { ctx } = this;
    ctx.streams.set(s.key, s);
    const k = originTypeKey(s.origin, s.type);
    const other = this.epochsOf.get(k);
    if (other === undefined) this.epochsOf.set(k, s);
    else s.joinEpochs(other);
  }

  /** A seeking stream asks its answerer for what subscribers here want of its past. */
  private wantFrom(s: Stream): void {
    const want = this.delivery.wantedFrom(s);
    if (want !== null) s.seekAfterTypeSeq = Math.min(s.seekAfterTypeSeq ?? want, want);
  }

  private activate(s: Stream, after: Mark): void {
    if (s.active) return;
    s.activate(after, this.ctx.clock.nowMs());
    this.deps.store.setFloor(s.origin, s.epoch, s.type, after);
    this.repairer.seeking.delete(s);
    this.delivery.activated(s);
    this.drainReady(s);
  }

  /**
   * An origin's first stream of an epoch newer than one we knew: it restarted
   * without its log (a fresh disk). Its old epoch's streams stay what they
   * were here; the new one starts from 1. Said once per (origin, epoch).
   */
  private noteEpoch(s: Stream): void {
    let older: number | null = null;
    for (const st of this.ctx.streams.values()) {
      if (st.origin !== s.origin || st === s) continue;
      if (st.epoch === s.epoch) return;
      if (st.epoch < s.epoch) older = Math.max(older ?? 0, st.epoch);
    }
    if (older === null) return;
    this.ctx.metrics.inc("bus_epochs_seen_total");
    this.ctx.log.warn(
      "bus: origin started a new log epoch (restarted without its data dir); its earlier epoch ends where it stood",
      {
        origin: s.origin,
        epoch: s.epoch,
        previousEpoch: older,
      },
    );
  }

  /** Streams from the log of a previous run; our own next sequence continues after the highest we used. */
  private restore(): void {
    for (const info of this.deps.store.streams()) {
      const s = new Stream(info.key, info.origin, info.epoch, info.type);
      s.activate(info.last ?? info.floor, this.ctx.clock.nowMs());
      this.addStream(s);
      if (!this.isOwn(s)) continue;
      this.lastSeq = Math.max(this.lastSeq, s.head.seq);
      this.lastPublishMs = Math.max(this.lastPublishMs, s.head.publishTimeMs);
    }
  }

  /** Runs `fn` every `intervalMs()` (drawn afresh each time, so it may jitter) while running. */
  private every(name: string, intervalMs: () => number, fn: () => void): void {
    const timer = periodic(this.ctx.clock, intervalMs(), () => {
      if (!this.running) return null;
      fn();
      return intervalMs();
    });
    this.timers.set(name, timer);
  }
}

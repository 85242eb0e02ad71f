import type { Address, Clock, Reply, Rng, Transport } from "../transport/index.js";
import { periodic, type PeriodicTimer } from "../transport/index.js";
import { Awareness } from "./awareness.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import {
  COMPOUND_PART_OVERHEAD,
  DEFAULT_CODEC_LIMITS,
  encodePart,
  metaSize,
  type CodecLimits,
} from "./codec.js";
import { pushPullScaleMs, retransmitLimit, validateConfig, type OverlayConfig } from "./config.js";
import type { Ctx } from "./ctx.js";
import { Events, type MemberListener } from "./events.js";
import { invariant } from "./invariants.js";
import type { Keyring } from "./keyring.js";
import { MemberTable, isLive, snapshot, type Member, type MemberInfo } from "./members.js";
import { EMPTY_META, type Message, type NodeMeta } from "./messages.js";
import { nullLogger, nullMetrics, RateLimitedLog, type Logger, type Metrics } from "../observe/index.js";
import { ConfigError } from "../errors/index.js";
import { Prober } from "./probe.js";
import { Maintenance } from "./maintenance.js";
import { PushPull, type PushPullResult } from "./pushpull.js";
import { MembershipState } from "./state.js";
import { Wire } from "./wire.js";

/** Seed addresses an overlay remembers for partition healing (most recent kept). */
const MAX_REMEMBERED_SEEDS = 64;

/** Everything the overlay needs from its host; nothing is global. */
export interface OverlayDeps {
  transport: Transport;
  clock: Clock;
  rng: Rng;
  /** Without keys (or without a keyring) traffic is plaintext; the agent warns at start-up. */
  keyring?: Keyring;
  logger?: Logger;
  metrics?: Metrics;
  /** Canonical copy of a member name or address; see MemberTable. @default identity */
  intern?: (s: string) => string;
}

export interface OverlayInit {
  tags?: Record<string, string>;
  sections?: Record<string, Uint8Array>;
  /** Start above a previous run's incarnation (e.g. from a data dir); refutation covers it otherwise. @default 0 */
  incarnation?: number;
}

export type JoinResult = {
  contacted: number;
  errors: Array<{ seed: Address; error: string; message?: string }>;
};
export type StateResult =
  { ok: true } | { ok: false; error: "too-large" | "too-many-sections" | "too-many-tags" };
export type UserPacketHandler = (from: Address, payload: Uint8Array) => void;
export type UserRequestHandler = (
  from: Address,
  payload: Uint8Array,
  reply: (payload: Uint8Array) => void,
) => void;

/**
 * One overlay membership: SWIM + Lifeguard on an injected transport, clock and
 * Rng. Create, start(), join(seeds), watch on(...), leave(). Several overlays
 * may live in one process (each on its own transport).
 */
export class Overlay {
  private readonly ctx: Ctx;
  private readonly state: MembershipState;
  private readonly prober: Prober;
  private readonly pushPull: PushPull;
  private readonly maintenance: Maintenance;
  private readonly timers = new Map<string, PeriodicTimer>();
  private readonly seeds: Address[] = [];
  private running = false;
  private outboundStreams = 0;
  private onUserPacketFn: UserPacketHandler | null = null;
  private onUserRequestFn: UserRequestHandler | null = null;

  constructor(
    readonly config: OverlayConfig,
    private readonly deps: OverlayDeps,
    init: OverlayInit = {},
  ) {
    const problems = validateConfig(config);
    if (problems.length > 0) {
      throw new ConfigError("overlay config", problems);
    }
    const log = deps.logger ?? nullLogger;
    const metrics = deps.metrics ?? nullMetrics;
    const check = invariant(config.strictInvariants, config.name, log, metrics);
    const table = new MemberTable(deps.rng, deps.intern, check, config.name);
    const self: Member = {
      name: config.name,
      address: deps.transport.localAddress,
      incarnation: init.incarnation ?? 0,
      status: "alive",
      meta: { tags: { ...init.tags }, sections: { ...init.sections } },
      stateChangeMs: deps.clock.nowMs(),
    };
    table.add(self);
    const rlog = new RateLimitedLog(log, () => deps.clock.nowMs());
    const wire = new Wire(
      deps.transport,
      deps.keyring,
      config.label,
      config.udpBudgetBytes,
      config.maxStreamBytes,
      codecLimits(config),
      metrics,
      rlog,
      config.replayCacheSize,
    );
    const broadcasts = new BroadcastQueue(
      () => retransmitLimit(config.retransmitMult, table.liveCount),
      config.maxBroadcastQueue,
    );
    this.ctx = {
      cfg: config,
      clock: deps.clock,
      rng: deps.rng,
      log,
      rlog,
      metrics,
      table,
      broadcasts,
      awareness: new Awareness(config.awarenessMaxMultiplier),
      wire,
      events: new Events(log),
      self,
      leaving: false,
      send: (to, msgs) => this.send(to, msgs),
      broadcast: (node, msg, onDone) => broadcasts.queue(node, encodePart(msg), onDone),
    };
    this.state = new MembershipState(this.ctx);
    const request = this.streamRequest.bind(this);
    this.prober = new Prober(this.ctx, this.state, request);
    this.pushPull = new PushPull(this.ctx, this.state, request);
    this.maintenance = new Maintenance(
      this.ctx,
      this.pushPull,
      () => this.seeds,
      (s) => this.join(s),
    );
  }

  get name(): string {
    return this.config.name;
  }

  /** Lifeguard local health score: 0 = healthy, up to awarenessMaxMultiplier - 1. */
  get healthScore(): number {
    return this.ctx.awareness.score;
  }

  /** Starts listening and the periodic probe, gossip, push-pull and reconnect work. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { transport } = this.deps;
    transport.onPacket((from, data) => this.onPacket(from, data));
    transport.onStream((from, data, reply) => this.onStream(from, data, reply));
    if (this.deps.keyring === undefined || !this.deps.keyring.enabled) {
      this.ctx.log.warn("overlay: no encryption key installed; gossip is plaintext", { node: this.name });
    }
    this.ctx.broadcast(this.name, this.state.selfAlive());
    const cfg = this.config;
    const r = this.ctx.rng;
    this.every("probe", r.next() * cfg.probeIntervalMs, () => this.prober.probe());
    const m = this.maintenance;
    this.every("gossip", r.next() * cfg.gossipIntervalMs, () => m.gossip());
    // Staggered over the interval scaled to the members known now (just us on a fresh start), so nodes
    // that start knowing N members (a simulator's settled cluster) keep the steady-state push-pull rate.
    const firstPushPullMs = r.next() * pushPullScaleMs(cfg.pushPullIntervalMs, this.ctx.table.liveCount);
    this.every("push-pull", firstPushPullMs, () => m.periodicPushPull());
    this.every("reconnect", r.next() * cfg.reconnectIntervalMs, () => m.reconnect());
  }

  /** Contacts seeds by full state exchange; `done` reports how many answered. */
  join(seeds: Address[], done?: (r: JoinResult) => void): void {
    // Remembered for partition healing; the most recent MAX_REMEMBERED_SEEDS only, since
    // discovery (DNS re-resolution, beacons) may feed join() new addresses for as long as it runs.
    for (const s of seeds) {
      const at = this.seeds.indexOf(s);
      if (at >= 0) this.seeds.splice(at, 1);
      this.seeds.push(s);
    }
    if (this.seeds.length > MAX_REMEMBERED_SEEDS)
      this.seeds.splice(0, this.seeds.length - MAX_REMEMBERED_SEEDS);
    const targets = seeds.filter((s) => s !== this.ctx.self.address);
    const result: JoinResult = { contacted: 0, errors: [] };
    let pending = targets.length;
    if (pending === 0) return done?.(result);
    for (const seed of targets) {
      this.pushPull.exchange(seed, true, (r: PushPullResult) => {
        if (r.ok) result.contacted++;
        else result.errors.push({ seed, error: r.error, message: r.message });
        if (--pending === 0) done?.(result);
      });
    }
  }

  /** Gossips our departure (seen as "left", not failed), waits for it to spread, then stops. */
  leave(done?: () => void): void {
    if (!this.running || this.ctx.leaving) return done?.();
    const { ctx } = this;
    ctx.leaving = true;
    this.clearTimer("probe");
    this.clearTimer("push-pull");
    this.clearTimer("reconnect");
    const self = ctx.self;
    ctx.table.setStatus(self, "left", ctx.clock.nowMs());
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.stop();
      done?.();
    };
    ctx.broadcast(
      self.name,
      { type: "dead", incarnation: self.incarnation, node: self.name, from: self.name },
      finish,
    );
    if (ctx.table.liveCount === 0) return finish();
    this.after("leave", this.config.leavePropagateMs, finish);
  }

  /** Stops everything at once (no farewell). The transport stays open; its owner closes it. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers.values()) t.stop();
    this.timers.clear();
    this.prober.stop();
    this.state.stop();
    this.ctx.broadcasts.reset();
    this.deps.transport.onPacket(() => {});
    this.deps.transport.onStream(() => {});
  }

  /**
   * Lists members as alive at incarnation 0 with no tags, without gossiping them
   * or raising events; names already known are left alone. How a simulator starts
   * a cluster already converged (at N = 10,000 a merge per node through push-pull
   * made more garbage than the tables themselves). Returns how many were added.
   */
  preload(members: ReadonlyArray<{ name: string; address: Address }>): number {
    const { table, cfg, clock } = this.ctx;
    let added = 0;
    for (const { name, address } of members) {
      if (table.get(name) !== undefined || table.size >= cfg.maxMembers) continue;
      table.add({
        name,
        address,
        incarnation: 0,
        status: "alive",
        meta: EMPTY_META,
        stateChangeMs: clock.nowMs(),
      });
      added++;
    }
    return added;
  }

  /**
   * The O(members) checks of the membership state (the live count, the probe
   * order, this node's own status), for a simulator to run now and then; a
   * broken one throws under strictInvariants, else it is logged and counted.
   */
  checkInvariants(): void {
    this.ctx.table.checkCounts();
    const self = this.ctx.table.get(this.name);
    this.ctx.table.checkSelf(self === this.ctx.self, this.ctx.leaving);
  }

  /** Every known member including us and tombstones (dead, left). */
  members(): MemberInfo[] {
    return [...this.ctx.table.all()].map(snapshot);
  }

  /** Members currently alive or suspect, including us. */
  liveMembers(): MemberInfo[] {
    return [...this.ctx.table.all()].filter((m) => isLive(m.status)).map(snapshot);
  }

  member(name: string): MemberInfo | undefined {
    const m = this.ctx.table.get(name);
    return m === undefined ? undefined : snapshot(m);
  }

  localMember(): MemberInfo {
    return snapshot(this.ctx.self);
  }

  /** Subscribe to member events; returns the unsubscribe function. */
  on(listener: MemberListener): () => void {
    return this.ctx.events.on(listener);
  }

  /** Replaces our tags; gossiped with a new incarnation. */
  setTags(tags: Record<string, string>): StateResult {
    if (Object.keys(tags).length > this.config.maxTags) return { ok: false, error: "too-many-tags" };
    return this.setMeta({ tags: { ...tags }, sections: this.ctx.self.meta.sections });
  }

  /** Attaches (or with null removes) an opaque state section, e.g. "bus" or "discovery". */
  setLocalState(section: string, bytes: Uint8Array | null): StateResult {
    const sections = { ...this.ctx.self.meta.sections };
    if (bytes === null) delete sections[section];
    else sections[section] = Uint8Array.from(bytes);
    if (Object.keys(sections).length > this.config.maxSections)
      return { ok: false, error: "too-many-sections" };
    return this.setMeta({ tags: this.ctx.self.meta.tags, sections });
  }

  private setMeta(meta: NodeMeta): StateResult {
    if (metaSize(meta) > this.config.maxNodeStateBytes) return { ok: false, error: "too-large" };
    const self = this.ctx.self;
    self.meta = meta;
    this.ctx.table.setIncarnation(self, self.incarnation + 1);
    this.ctx.broadcast(self.name, this.state.selfAlive());
    this.ctx.events.emit({ type: "update", member: snapshot(self), atMs: this.deps.clock.nowMs() });
    return { ok: true };
  }

  /** One datagram with an application payload (no piggyback); false if it exceeds the budget. */
  sendUserPacket(to: Address, payload: Uint8Array): boolean {
    const part = encodePart({ type: "user", payload });
    if (part.length + COMPOUND_PART_OVERHEAD > this.ctx.wire.partBudget()) return false;
    this.ctx.wire.sendParts(to, [part]);
    return true;
  }

  onUserPacket(fn: UserPacketHandler): void {
    this.onUserPacketFn = fn;
  }

  /** Reliable request/response with an application payload; `done(null)` on failure. */
  requestUser(
    to: Address,
    payload: Uint8Array,
    timeoutMs: number,
    done: (reply: Uint8Array | null) => void,
  ): void {
    this.streamRequest(to, { type: "user", payload }, timeoutMs, (msgs) => {
      const m = msgs?.[0];
      done(m?.type === "user" ? m.payload : null);
    });
  }

  onUserRequest(fn: UserRequestHandler): void {
    this.onUserRequestFn = fn;
  }

  private send(to: Address, msgs: Message[]): void {
    const parts = msgs.map(encodePart);
    let budget = this.ctx.wire.partBudget();
    for (const p of parts) budget -= p.length + COMPOUND_PART_OVERHEAD;
    const room = DEFAULT_CODEC_LIMITS.maxCompoundParts - parts.length;
    const extra = this.ctx.broadcasts.take(COMPOUND_PART_OVERHEAD, budget, room);
    this.ctx.wire.sendParts(to, extra.length === 0 ? parts : parts.concat(extra));
  }

  private onPacket(from: Address, data: Uint8Array): void {
    if (!this.running) return;
    const msgs = this.ctx.wire.openPacket(from, data);
    if (msgs === null) return;
    for (const m of msgs) this.dispatch(from, m);
  }

  private dispatch(from: Address, m: Message): void {
    switch (m.type) {
      case "ping":
        return this.prober.handlePing(from, m);
      case "indirect-ping":
        return this.prober.handleIndirectPing(from, m);
      case "ack":
        return this.prober.handleAck(m.seq);
      case "nack":
        return this.prober.handleNack(m.seq);
      case "suspect":
        return this.state.suspectNode(m);
      case "alive":
        return this.state.aliveNode(m);
      case "dead":
        return this.state.deadNode(m);
      case "user":
        return this.onUserPacketFn?.(from, m.payload);
      default:
        this.ctx.metrics.inc("overlay_dropped_total", { reason: "unexpected" });
    }
  }

  private onStream(from: Address, data: Uint8Array, reply: Reply): void {
    if (!this.running) return;
    const m = this.ctx.wire.openStream(from, data)?.[0];
    if (m === undefined) return;
    const { wire } = this.ctx;
    switch (m.type) {
      case "ping":
        if (m.target === this.name) reply(wire.streamFrame({ type: "ack", seq: m.seq }));
        return;
      case "push-pull":
        if (this.ctx.leaving) return;
        return reply(wire.streamFrame(this.pushPull.handle(m)));
      case "user":
        return this.onUserRequestFn?.(from, m.payload, (p) =>
          reply(wire.streamFrame({ type: "user", payload: p })),
        );
      default:
        this.ctx.metrics.inc("overlay_dropped_total", { reason: "unexpected" });
    }
  }

  private streamRequest(
    to: Address,
    msg: Message,
    timeoutMs: number,
    done: (r: Message[] | null) => void,
  ): void {
    if (!this.running || this.outboundStreams >= this.config.maxConcurrentStreams) {
      this.ctx.metrics.inc("overlay_limit_hits_total", { limit: "streams" });
      return done(null);
    }
    this.outboundStreams++;
    this.deps.transport.request(to, this.ctx.wire.streamFrame(msg), timeoutMs, (r) => {
      this.outboundStreams--;
      if (!this.running) return;
      if (!r.ok) {
        this.ctx.metrics.inc("overlay_stream_errors_total", { error: r.error });
        return done(null);
      }
      done(this.ctx.wire.openStream(to, r.data));
    });
  }

  /** Runs `fn` after `firstMs`, then again after whatever delay it returns. */
  private every(name: string, firstMs: number, fn: () => number): void {
    this.clearTimer(name);
    const timer = periodic(this.deps.clock, firstMs, () => {
      const next = fn();
      // While leaving only gossip keeps running, to spread the farewell.
      return this.running && (!this.ctx.leaving || name === "gossip") ? next : null;
    });
    this.timers.set(name, timer);
  }

  /** Runs `fn` once after `ms`. */
  private after(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    const timer = periodic(this.deps.clock, ms, () => {
      fn();
      return null;
    });
    this.timers.set(name, timer);
  }

  private clearTimer(name: string): void {
    this.timers.get(name)?.stop();
    this.timers.delete(name);
  }
}

function codecLimits(c: OverlayConfig): CodecLimits {
  return {
    ...DEFAULT_CODEC_LIMITS,
    maxTags: c.maxTags,
    maxSections: c.maxSections,
    maxNodeStateBytes: c.maxNodeStateBytes,
    maxPushPullNodes: c.maxMembers,
    maxUserBytes: c.maxStreamBytes,
  };
}

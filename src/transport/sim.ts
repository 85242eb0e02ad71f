import { toMs, type Duration } from "./duration.js";
import { MinHeap } from "./heap.js";
import { SeededRng } from "./rng.js";
import type {
  Address,
  Clock,
  PacketHandler,
  Rng,
  StreamHandler,
  StreamResult,
  TimerHandle,
  Transport,
} from "./types.js";

/** Network conditions of one direction of a link. */
export interface LinkConditions {
  /** One-way base delay. @default 1 */
  latencyMs: number;
  /** Extra uniform delay in [0, jitterMs); packets overtake each other when it exceeds their spacing. @default 0.5 */
  jitterMs: number;
  /** Probability a datagram is dropped, 0..1. Streams are reliable and ignore it. @default 0 */
  loss: number;
  /** Probability a delivered datagram arrives twice. @default 0 */
  duplicate: number;
}

export interface SimOptions extends Partial<LinkConditions> {
  /** Every run with the same seed and script is identical. */
  seed: number;
  /** Datagrams above this are dropped (UDP's hard limit). @default 65507 */
  maxPacketBytes?: number;
  /** Stream messages above this fail with "too-large". @default 16 MiB */
  maxStreamBytes?: number;
  /** Datagrams queued for a stalled node beyond this are dropped (socket receive buffer). @default 4096 */
  stallBacklogPackets?: number;
}

/** What a simulated node gets: its transport, clock and a seeded Rng of its own. */
export interface SimHost {
  readonly name: string;
  readonly address: Address;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly rng: Rng;
}

export interface SimStats {
  packetsSent: number;
  packetsDelivered: number;
  packetsDropped: number;
  bytesSent: number;
  streamRequests: number;
}

type Phase = "timer" | "io";

interface SimEvent {
  at: number;
  seq: number;
  host: HostState | null;
  gen: number;
  phase: Phase;
  cancelled: boolean;
  run: () => void;
}

/** A host's clock against virtual time: local = baseMs + (now - anchorMs) x rate. */
export interface SimClockSkew {
  /** Local clock minus virtual time, from now on (ms; may be negative). @default 0 */
  offsetMs?: number;
  /** Rate error: the local clock runs (1 + drift) times as fast as virtual time (1e-4 = 100 ppm). @default 0 */
  drift?: number;
}

interface HostState {
  name: string;
  address: Address;
  gen: number;
  clockBaseMs: number;
  clockAnchorMs: number;
  clockRate: number;
  up: boolean;
  stalledUntil: number;
  backlog: SimEvent[];
  backlogPackets: number;
  timers: Map<number, SimEvent>;
  onPacket: PacketHandler | null;
  onStream: StreamHandler | null;
}

/**
 * In-memory network on a virtual clock. Everything (latency, loss, partitions,
 * crashes, stalls) is driven by one seeded PRNG and a priority queue of events,
 * so a failing run replays exactly from its seed.
 */
export class SimNetwork {
  readonly seed: number;
  readonly stats: SimStats = {
    packetsSent: 0,
    packetsDelivered: 0,
    packetsDropped: 0,
    bytesSent: 0,
    streamRequests: 0,
  };
  private readonly rng: SeededRng;
  private readonly queue = new MinHeap<SimEvent>();
  private readonly hosts = new Map<string, HostState>();
  private readonly byAddress = new Map<Address, HostState>();
  private readonly links = new Map<string, Partial<LinkConditions>>();
  private defaults: LinkConditions;
  private groupOf = new Map<string, number>();
  private oneWay: Array<{ from: Set<string>; to: Set<string> }> = [];
  private now = 0;
  private seq = 0;
  private nextTimerId = 1;
  private readonly maxPacketBytes: number;
  private readonly maxStreamBytes: number;
  private readonly stallBacklogPackets: number;

  constructor(opts: SimOptions) {
    this.seed = opts.seed >>> 0;
    this.rng = new SeededRng(this.seed);
    this.defaults = {
      latencyMs: opts.latencyMs ?? 1,
      jitterMs: opts.jitterMs ?? 0.5,
      loss: opts.loss ?? 0,
      duplicate: opts.duplicate ?? 0,
    };
    this.maxPacketBytes = opts.maxPacketBytes ?? 65507;
    this.maxStreamBytes = opts.maxStreamBytes ?? 16 * 1024 * 1024;
    this.stallBacklogPackets = opts.stallBacklogPackets ?? 4096;
  }

  /** Virtual time in ms since the simulation started. */
  nowMs(): number {
    return this.now;
  }

  /** "seed=N t=Tms": put it in failure messages so the run can be replayed. */
  describe(): string {
    return `seed=${this.seed} t=${this.now}ms`;
  }

  /** Adds a node reachable at `address` (default "NAME:7946"). */
  addHost(name: string, address: Address = `${name}:7946`): SimHost {
    if (this.hosts.has(name)) throw new Error(`sim: host ${name} exists`);
    const h: HostState = {
      name,
      address,
      gen: 0,
      clockBaseMs: 0,
      clockAnchorMs: 0,
      clockRate: 1,
      up: true,
      stalledUntil: 0,
      backlog: [],
      backlogPackets: 0,
      timers: new Map(),
      onPacket: null,
      onStream: null,
    };
    this.hosts.set(name, h);
    this.byAddress.set(address, h);
    return this.makeHost(h);
  }

  /** Network-wide defaults for every link without its own conditions. */
  setConditions(c: Partial<LinkConditions>): void {
    this.defaults = { ...this.defaults, ...c };
  }

  /** Conditions of the directed link from -> to (by host name). */
  setLink(from: string, to: string, c: Partial<LinkConditions>): void {
    this.links.set(`${from}>${to}`, { ...this.links.get(`${from}>${to}`), ...c });
  }

  /** Nodes in different groups cannot reach each other; nodes in no group reach everyone. */
  partition(...groups: string[][]): void {
    this.groupOf = new Map();
    groups.forEach((g, i) => g.forEach((n) => this.groupOf.set(n, i)));
  }

  /** Traffic from `from` to `to` is dropped; the reverse direction still flows. */
  partitionOneWay(from: string[], to: string[]): void {
    this.oneWay.push({ from: new Set(from), to: new Set(to) });
  }

  /** Removes every partition. */
  heal(): void {
    this.groupOf = new Map();
    this.oneWay = [];
  }

  /** The process dies: timers, handlers and queued input are gone; packets to it vanish. */
  crash(name: string): void {
    const h = this.mustHost(name);
    h.up = false;
    h.gen++;
    for (const ev of h.timers.values()) ev.cancelled = true;
    h.timers.clear();
    h.backlog = [];
    h.backlogPackets = 0;
    h.onPacket = null;
    h.onStream = null;
  }

  /** A fresh process on the same name and address, with new transport and clock. */
  restart(name: string): SimHost {
    const h = this.mustHost(name);
    if (h.up) this.crash(name);
    h.up = true;
    h.stalledUntil = 0;
    return this.makeHost(h);
  }

  /**
   * Sets a host's clock error (kept across restarts: it is the machine's
   * clock). Its clock reads virtual time + `offsetMs` now and then runs at
   * 1 + `drift`; its timers fire after their delay on its own clock. Changing
   * it on a running host makes its clock jump, as a stepped NTP clock does.
   */
  setClock(name: string, skew: SimClockSkew): void {
    const h = this.mustHost(name);
    h.clockAnchorMs = this.now;
    h.clockBaseMs = this.now + (skew.offsetMs ?? 0);
    h.clockRate = 1 + (skew.drift ?? 0);
    if (!(h.clockRate > 0)) throw new Error(`sim: drift of ${name} must be > -1`);
  }

  /** What `name`'s clock reads now. */
  localTime(name: string): number {
    return localNow(this.mustHost(name), this.now);
  }

  isUp(name: string): boolean {
    return this.mustHost(name).up;
  }

  /**
   * The node stops processing for `ms` (GC pause, CPU starvation). On resume it
   * runs, like Node's event loop, first the timers that came due, then the
   * queued input in arrival order.
   */
  stall(name: string, ms: number): void {
    const h = this.mustHost(name);
    if (!h.up) return;
    const until = Math.max(h.stalledUntil, this.now + ms);
    h.stalledUntil = until;
    const gen = h.gen;
    this.push(until, null, 0, "timer", () => this.resume(h, gen));
  }

  isStalled(name: string): boolean {
    return this.mustHost(name).stalledUntil > this.now;
  }

  /** Schedules a test action at an absolute virtual time. */
  at(timeMs: number, fn: () => void): void {
    this.push(Math.max(timeMs, this.now), null, 0, "timer", fn);
  }

  /** Advances virtual time, processing every event due within it. */
  runFor(d: Duration): void {
    this.runUntilTime(this.now + toMs(d));
  }

  /** Runs until `done()` holds (checked every `stepMs`) or `limit` passes; returns whether it held. */
  runUntil(done: () => boolean, limit: Duration, stepMs = 100): boolean {
    const end = this.now + toMs(limit);
    while (!done()) {
      if (this.now >= end) return false;
      this.runUntilTime(Math.min(end, this.now + stepMs));
    }
    return true;
  }

  private runUntilTime(end: number): void {
    for (;;) {
      const top = this.queue.peek();
      if (top === undefined || top.at > end) break;
      this.queue.pop();
      this.now = top.at;
      this.dispatch(top);
    }
    this.now = Math.max(this.now, end);
  }

  private dispatch(ev: SimEvent): void {
    if (ev.cancelled) return;
    const h = ev.host;
    if (h !== null) {
      if (!h.up || h.gen !== ev.gen) return;
      if (h.stalledUntil > this.now) {
        if (ev.phase === "io" && h.backlogPackets >= this.stallBacklogPackets) {
          this.stats.packetsDropped++;
          return;
        }
        if (ev.phase === "io") h.backlogPackets++;
        h.backlog.push(ev);
        return;
      }
    }
    this.invoke(ev);
  }

  private invoke(ev: SimEvent): void {
    try {
      ev.run();
    } catch (err) {
      throw new Error(`sim ${this.describe()} host=${ev.host?.name ?? "-"}: ${String(err)}`, { cause: err });
    }
  }

  private resume(h: HostState, gen: number): void {
    if (h.gen !== gen || h.stalledUntil > this.now || h.backlog.length === 0) return;
    const backlog = h.backlog;
    h.backlog = [];
    h.backlogPackets = 0;
    for (const ev of backlog) if (ev.phase === "timer") this.dispatch(ev);
    for (const ev of backlog) if (ev.phase === "io") this.dispatch(ev);
  }

  private push(at: number, host: HostState | null, gen: number, phase: Phase, run: () => void): SimEvent {
    const ev: SimEvent = { at, seq: this.seq++, host, gen, phase, cancelled: false, run };
    this.queue.push(ev);
    return ev;
  }

  private mustHost(name: string): HostState {
    const h = this.hosts.get(name);
    if (h === undefined) throw new Error(`sim: no host ${name}`);
    return h;
  }

  private blocked(from: HostState, to: HostState): boolean {
    const a = this.groupOf.get(from.name);
    const b = this.groupOf.get(to.name);
    if (a !== undefined && b !== undefined && a !== b) return true;
    for (const p of this.oneWay) if (p.from.has(from.name) && p.to.has(to.name)) return true;
    return false;
  }

  private conditions(from: HostState, to: HostState): LinkConditions {
    const l = this.links.get(`${from.name}>${to.name}`);
    return l === undefined ? this.defaults : { ...this.defaults, ...l };
  }

  private delay(c: LinkConditions): number {
    return c.latencyMs + this.rng.next() * c.jitterMs;
  }

  private sendPacket(src: HostState, gen: number, to: Address, data: Uint8Array): void {
    if (!src.up || src.gen !== gen) return;
    this.stats.packetsSent++;
    this.stats.bytesSent += data.length;
    const dst = this.byAddress.get(to);
    if (dst === undefined || !dst.up || data.length > this.maxPacketBytes || this.blocked(src, dst)) {
      this.stats.packetsDropped++;
      return;
    }
    const c = this.conditions(src, dst);
    const copies = this.rng.next() < c.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.rng.next() < c.loss) {
        this.stats.packetsDropped++;
        continue;
      }
      const dgen = dst.gen;
      this.push(this.now + this.delay(c), dst, dgen, "io", () => {
        this.stats.packetsDelivered++;
        dst.onPacket?.(src.address, data);
      });
    }
  }

  private request(
    src: HostState,
    gen: number,
    to: Address,
    data: Uint8Array,
    timeoutMs: number,
    done: (r: StreamResult) => void,
  ): void {
    if (!src.up || src.gen !== gen) return;
    this.stats.streamRequests++;
    let finished = false;
    const finish = (r: StreamResult): void => {
      if (finished || !src.up || src.gen !== gen) return;
      finished = true;
      timer.cancelled = true;
      done(r);
    };
    const timer = this.push(this.now + timeoutMs, src, gen, "timer", () =>
      finish({ ok: false, error: "timeout" }),
    );
    const dst = this.byAddress.get(to);
    if (data.length > this.maxStreamBytes) {
      this.push(this.now, src, gen, "io", () => finish({ ok: false, error: "too-large" }));
      return;
    }
    if (dst === undefined || this.blocked(src, dst)) return; // connect hangs until the timeout
    const back = this.conditions(dst, src);
    if (!dst.up) {
      this.push(this.now + this.delay(back), src, gen, "io", () => finish({ ok: false, error: "refused" }));
      return;
    }
    const dgen = dst.gen;
    this.push(this.now + this.delay(this.conditions(src, dst)), dst, dgen, "io", () => {
      const handler = dst.onStream;
      if (handler === null) return;
      let replied = false;
      handler(src.address, data, (resp) => {
        if (replied || !dst.up || dst.gen !== dgen) return;
        replied = true;
        if (this.blocked(dst, src)) return;
        if (resp.length > this.maxStreamBytes) return;
        this.push(this.now + this.delay(back), src, gen, "io", () => finish({ ok: true, data: resp }));
      });
    });
  }

  private makeHost(h: HostState): SimHost {
    const gen = h.gen;
    const alive = (): boolean => h.up && h.gen === gen;
    const transport: Transport = {
      localAddress: h.address,
      sendPacket: (to, data) => this.sendPacket(h, gen, to, data),
      request: (to, data, timeoutMs, done) => this.request(h, gen, to, data, timeoutMs, done),
      onPacket: (fn) => {
        if (alive()) h.onPacket = fn;
      },
      onStream: (fn) => {
        if (alive()) h.onStream = fn;
      },
      close: () => {
        if (!alive()) return;
        h.onPacket = null;
        h.onStream = null;
      },
    };
    const clock: Clock = {
      nowMs: () =>
        h.clockRate === 1 && h.clockBaseMs === h.clockAnchorMs ? this.now : localNow(h, this.now),
      setTimer: (delayMs: number, fn: () => void): TimerHandle => {
        const id = this.nextTimerId++;
        if (!alive()) return { id };
        const ev = this.push(this.now + Math.max(0, delayMs) / h.clockRate, h, gen, "timer", () => {
          h.timers.delete(id);
          fn();
        });
        h.timers.set(id, ev);
        return { id };
      },
      clearTimer: (handle: TimerHandle): void => {
        const ev = h.timers.get(handle.id);
        if (ev !== undefined) ev.cancelled = true;
        h.timers.delete(handle.id);
      },
    };
    return { name: h.name, address: h.address, transport, clock, rng: this.rng.fork(`${h.name}#${gen}`) };
  }
}

function localNow(h: HostState, now: number): number {
  return h.clockBaseMs + (now - h.clockAnchorMs) * h.clockRate;
}

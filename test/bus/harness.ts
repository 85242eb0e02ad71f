import { SimNetwork, type SimHost, type SimOptions } from "../../src/transport/index.js";
import { Keyring, Overlay, lanConfig, type OverlayConfig } from "../../src/overlay/index.js";
import { MemoryMetrics } from "../../src/observe/index.js";
import {
  Bus,
  BUS_CHANNEL,
  Channels,
  MemoryLogStore,
  decodeBusMessage,
  DEFAULT_BUS_CONFIG,
  type BusConfig,
  type Digest,
  type GapNotice,
  type LogStore,
  type Subscription,
} from "../../src/bus/index.js";

export { nodeNames, seedFor } from "../overlay/harness.js";

export interface BusClusterOptions extends Partial<Omit<SimOptions, "seed">> {
  seed: number;
  overlay?: Partial<OverlayConfig>;
  bus?: Partial<BusConfig>;
  /** The store a node's bus gets at boot and at each restart (default: a fresh MemoryLogStore). */
  store?: (name: string) => LogStore;
}

/** A simulated cluster of overlays, each with a bus; counts inbound payload bytes per digest type per node. */
export class BusCluster {
  readonly sim: SimNetwork;
  readonly overlays = new Map<string, Overlay>();
  readonly buses = new Map<string, Bus>();
  readonly metrics = new Map<string, MemoryMetrics>();
  /** node -> type -> payload bytes received (pushes, sync answers), decoded at the channel. */
  readonly payloadBytes = new Map<string, Map<string, number>>();

  constructor(private readonly opts: BusClusterOptions) {
    this.sim = new SimNetwork(opts);
  }

  get replay(): string {
    return `${this.sim.describe()} (replay with HEARSAY_SEED=${this.sim.seed})`;
  }

  add(name: string): Bus {
    return this.boot(name, this.sim.addHost(name));
  }

  addMany(names: string[]): Bus[] {
    return names.map((n) => this.add(n));
  }

  bus(name: string): Bus {
    const b = this.buses.get(name);
    if (b === undefined) throw new Error(`no bus ${name}`);
    return b;
  }

  joinAll(names: string[], seed: string, spreadMs = 0): void {
    names.forEach((n, i) => {
      if (n === seed) return;
      this.sim.at(this.sim.nowMs() + i * spreadMs, () => this.overlays.get(n)?.join([`${seed}:7946`]));
    });
  }

  allSeeAlive(names: string[]): boolean {
    return names.every((n) => (this.overlays.get(n)?.liveMembers().length ?? 0) === names.length);
  }

  /** The process dies: overlay, bus and timers gone (the store object survives if the factory keeps it). */
  crash(name: string): void {
    this.buses.get(name)?.stop();
    this.overlays.get(name)?.stop();
    this.sim.crash(name);
  }

  restart(name: string, seed: string): Bus {
    const bus = this.boot(name, this.sim.restart(name));
    this.overlays.get(name)?.join([`${seed}:7946`]);
    return bus;
  }

  counter(name: string, labels?: Record<string, string>): number {
    let total = 0;
    for (const m of this.metrics.values()) total += m.get(name, labels);
    return total;
  }

  bytesOf(node: string, type: string): number {
    return this.payloadBytes.get(node)?.get(type) ?? 0;
  }

  private boot(name: string, host: SimHost): Bus {
    const metrics = new MemoryMetrics();
    const overlay = new Overlay(lanConfig(name, this.opts.overlay), {
      transport: host.transport,
      clock: host.clock,
      rng: host.rng,
      keyring: new Keyring([]),
      metrics,
    });
    overlay.start();
    const channels = new Channels(overlay, metrics);
    const limits = { ...DEFAULT_BUS_CONFIG, ...this.opts.bus };
    const counts = this.payloadBytes.get(name) ?? new Map<string, number>();
    this.payloadBytes.set(name, counts);
    channels.observe((ch, _kind, _from, payload) => {
      if (ch !== BUS_CHANNEL) return;
      const r = decodeBusMessage(payload, limits);
      if (!r.ok || (r.msg.kind !== "push" && r.msg.kind !== "sync-resp")) return;
      for (const d of r.msg.digests) counts.set(d.type, (counts.get(d.type) ?? 0) + d.payload.length);
    });
    const store = this.opts.store?.(name) ?? new MemoryLogStore();
    const bus = new Bus(
      { overlay, clock: host.clock, rng: host.rng, store, channels, metrics },
      this.opts.bus,
    );
    bus.start();
    this.overlays.set(name, overlay);
    this.buses.set(name, bus);
    this.metrics.set(name, metrics);
    return bus;
  }
}

/** Drains a subscription as soon as it is readable (a fast consumer), recording what it got. */
export class Collector {
  readonly digests: Digest[] = [];
  readonly gaps: GapNotice[] = [];
  private readonly seen = new Set<string>();
  duplicates = 0;
  disorders = 0;
  /** The caught-up marker came. */
  caughtUp = false;
  private readonly lastSeq = new Map<string, number>();

  constructor(readonly sub: Subscription) {
    sub.onReadable(() => this.drain());
  }

  drain(): void {
    for (const item of this.sub.drain()) {
      if (item.kind === "gap") {
        this.gaps.push(item.gap);
        continue;
      }
      if (item.kind === "caught-up") {
        this.caughtUp = true;
        continue;
      }
      const d = item.digest;
      const id = `${d.origin}:${d.epoch}:${d.seq}`;
      if (this.seen.has(id)) this.duplicates++;
      this.seen.add(id);
      const key = `${d.origin}/${d.epoch}/${d.type}`;
      if ((this.lastSeq.get(key) ?? 0) >= d.typeSeq) this.disorders++;
      this.lastSeq.set(key, d.typeSeq);
      this.digests.push(d);
    }
  }

  countFrom(origin: string): number {
    return this.digests.filter((d) => d.origin === origin).length;
  }
}

import type { SimNetwork, SimOptions } from "../../src/transport/index.js";
import type { Overlay, OverlayConfig } from "../../src/overlay/index.js";
import type { MemoryMetrics } from "../../src/observe/index.js";
import {
  type Bus,
  BUS_CHANNEL,
  decodeBusMessage,
  DEFAULT_BUS_CONFIG,
  type BusConfig,
  type Digest,
  type GapNotice,
  type LogStore,
  type Subscription,
} from "../../src/bus/index.js";
import type { HearsayNode } from "../../src/node/index.js";
import { SimCluster } from "../support/sim-cluster.js";

export { nodeNames, seedFor } from "../overlay/harness.js";

export interface BusClusterOptions extends Partial<Omit<SimOptions, "seed">> {
  seed: number;
  overlay?: Partial<OverlayConfig>;
  bus?: Partial<BusConfig>;
  /** The store a node's bus gets at boot and at each restart (default: a fresh MemoryLogStore, new epoch). */
  store?: (name: string) => LogStore;
}

/**
 * A simulated cluster of whole nodes (test/support/sim-cluster.ts), seen by
 * their buses; counts inbound payload bytes per digest type per node.
 */
export class BusCluster {
  readonly cluster: SimCluster;
  readonly sim: SimNetwork;
  readonly overlays = new Map<string, Overlay>();
  readonly buses = new Map<string, Bus>();
  readonly metrics = new Map<string, MemoryMetrics>();
  /** node -> type -> payload bytes received (pushes, sync answers), decoded at the channel. */
  readonly payloadBytes = new Map<string, Map<string, number>>();

  constructor(opts: BusClusterOptions) {
    this.cluster = new SimCluster({ ...opts, onBoot: (n) => this.booted(n, opts.bus) });
    this.sim = this.cluster.sim;
  }

  get replay(): string {
    return this.cluster.replay;
  }

  add(name: string): Bus {
    return this.cluster.add(name).bus;
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
    this.cluster.joinAll(names, seed, spreadMs);
  }

  allSeeAlive(names: string[]): boolean {
    return names.every((n) => (this.overlays.get(n)?.liveMembers().length ?? 0) === names.length);
  }

  /** The process dies: overlay, bus and timers gone (the store object survives if the factory keeps it). */
  crash(name: string): void {
    this.cluster.crash(name);
  }

  restart(name: string, seed: string): Bus {
    return this.cluster.restart(name, { join: [seed] }).bus;
  }

  counter(name: string, labels?: Record<string, string>): number {
    let total = 0;
    for (const m of this.metrics.values()) total += m.get(name, labels);
    return total;
  }

  bytesOf(node: string, type: string): number {
    return this.payloadBytes.get(node)?.get(type) ?? 0;
  }

  private booted(node: HearsayNode, bus: Partial<BusConfig> | undefined): void {
    const name = node.name;
    const limits = { ...DEFAULT_BUS_CONFIG, ...bus };
    const counts = this.payloadBytes.get(name) ?? new Map<string, number>();
    this.payloadBytes.set(name, counts);
    node.channels.observe((ch, _kind, _from, payload) => {
      if (ch !== BUS_CHANNEL) return;
      const r = decodeBusMessage(payload, limits);
      if (!r.ok || (r.msg.kind !== "push" && r.msg.kind !== "sync-resp")) return;
      for (const d of r.msg.digests) counts.set(d.type, (counts.get(d.type) ?? 0) + d.payload.length);
    });
    this.overlays.set(name, node.overlay);
    this.buses.set(name, node.bus);
    this.metrics.set(name, node.metrics);
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

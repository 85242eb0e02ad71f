import type { BusConfig, LogStore, RetentionLimits } from "../../src/bus/index.js";
import { buildNode, type HearsayNode } from "../../src/node/index.js";
import type { Logger } from "../../src/observe/index.js";
import { Keyring, lanConfig, type OverlayConfig } from "../../src/overlay/index.js";
import { SimNetwork, type SimClockSkew, type SimHost, type SimOptions } from "../../src/transport/index.js";

export interface SimClusterOptions extends Partial<Omit<SimOptions, "seed">> {
  seed: number;
  /** A broken overlay or bus invariant throws where it breaks. @default true */
  strictInvariants?: boolean;
  /** Every node's overlay settings on top of lanConfig. */
  overlay?: Partial<OverlayConfig>;
  bus?: Partial<BusConfig>;
  /**
   * The store a node gets at boot and at a restart that does not keep its own
   * (default: none given, so the node makes a MemoryLogStore with a new epoch).
   */
  store?: (name: string) => LogStore | undefined;
  /** Bounds of the log a node makes itself (no store given). @default DEFAULT_RETENTION */
  retention?: (name: string) => RetentionLimits | undefined;
  /** Every node gets a keyring with these keys (first = primary). @default plaintext */
  keys?: Uint8Array[];
  /** Per-node logger (default: silent). */
  logger?: (name: string) => Logger | undefined;
  /** Each new host's clock error, set before its node boots (it is the machine's: kept across restarts). */
  clock?: (name: string) => SimClockSkew | undefined;
  /** Called once per boot with the new node, before it joins anyone (e.g. to observe its channels). */
  onBoot?: (node: HearsayNode, host: SimHost) => void;
}

export interface RestartOptions {
  /**
   * A restart with its data dir: the same log object (same epoch, same digests)
   * and an incarnation above the one recorded, as the agent's node.json gives
   * (recorded at each start and at a graceful stop). Without it the node starts
   * from nothing: a new log epoch, incarnation 0. @default false
   */
  keepData?: boolean;
  /** Seed addresses or names to join through. */
  join?: string[];
}

/**
 * Many whole nodes (src/node: overlay, bus, registry, catalog, keys) on one
 * SimNetwork: the simulator's cluster. Scenario harnesses and the swarm
 * runner build on it rather than wiring their own subsets.
 */
export class SimCluster {
  readonly sim: SimNetwork;
  readonly nodes = new Map<string, HearsayNode>();
  readonly hosts = new Map<string, SimHost>();
  /** Boots per node name (1 = first start). */
  readonly boots = new Map<string, number>();
  /** What each node's "data dir" holds: its incarnation record (its log is the node's store). */
  private readonly records = new Map<string, number>();

  constructor(readonly opts: SimClusterOptions) {
    this.sim = new SimNetwork(opts);
  }

  /** "seed=N t=T (replay with HEARSAY_SEED=N)": append to assertion messages. */
  get replay(): string {
    return `${this.sim.describe()} (replay with HEARSAY_SEED=${this.sim.seed})`;
  }

  address(name: string): string {
    return `${name}:7946`;
  }

  /** Creates and starts a node on a new sim host of the same name. */
  add(name: string, store?: LogStore): HearsayNode {
    const host = this.sim.addHost(name);
    const skew = this.opts.clock?.(name);
    if (skew) this.sim.setClock(name, skew);
    return this.boot(name, host, store ?? this.opts.store?.(name), 0);
  }

  addMany(names: string[]): HearsayNode[] {
    return names.map((n) => this.add(n));
  }

  node(name: string): HearsayNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  /** Every named node joins through `seed`, at `spreadMs`-spaced moments. */
  joinAll(names: string[], seed: string, spreadMs = 0): void {
    names.forEach((n, i) => {
      if (n === seed) return;
      this.sim.at(this.sim.nowMs() + i * spreadMs, () => {
        if (this.sim.isUp(n)) this.nodes.get(n)?.overlay.join([this.address(seed)]);
      });
    });
  }

  /** The process dies: every state machine and timer gone; nothing is closed or written. */
  crash(name: string): void {
    this.nodes.get(name)?.kill();
    this.sim.crash(name);
  }

  /** A new process under the same name and address (a crashed one is crashed first). */
  restart(name: string, opts: RestartOptions = {}): HearsayNode {
    const old = this.nodes.get(name);
    if (this.sim.isUp(name)) old?.kill();
    const keep = opts.keepData === true && old !== undefined;
    const store = keep ? old.store : this.opts.store?.(name);
    const incarnation = keep ? (this.records.get(name) ?? 0) + 1 : 0;
    const node = this.boot(name, this.sim.restart(name), store, incarnation);
    const seeds = (opts.join ?? []).map((s) => (s.includes(":") ? s : this.address(s)));
    if (seeds.length > 0) node.overlay.join(seeds);
    return node;
  }

  /**
   * Graceful stop: the node leaves (others see left), closes, and its process
   * exits. The close runs on promises: a caller driving the simulator must let
   * microtasks run between slices of virtual time (await a macrotask).
   */
  leave(name: string): Promise<void> {
    const node = this.node(name);
    return node.close().then(() => {
      this.records.set(name, node.overlay.localMember().incarnation);
      if (this.nodes.get(name) === node && this.sim.isUp(name)) this.sim.crash(name);
    });
  }

  /** Names of nodes whose process is up and that have not left. */
  running(): string[] {
    return [...this.nodes.keys()].filter(
      (n) => this.sim.isUp(n) && this.node(n).overlay.localMember().status !== "left",
    );
  }

  /** Every running node sees exactly `names` as alive (and nobody else as live). */
  allSeeAlive(names: string[]): boolean {
    const want = new Set(names);
    return this.running().every((o) => {
      const live = this.node(o).overlay.liveMembers();
      return live.length === want.size && live.every((m) => m.status === "alive" && want.has(m.name));
    });
  }

  counter(name: string, labels?: Record<string, string>): number {
    let total = 0;
    for (const n of this.nodes.values()) total += n.metrics.get(name, labels);
    return total;
  }

  private boot(name: string, host: SimHost, store: LogStore | undefined, incarnation: number): HearsayNode {
    const node = buildNode(
      {
        transport: host.transport,
        clock: host.clock,
        rng: host.rng,
        store,
        keyring: new Keyring(this.opts.keys ?? []),
        logger: this.opts.logger?.(name),
      },
      {
        overlay: lanConfig(name, this.opts.overlay),
        strictInvariants: this.opts.strictInvariants ?? true,
        bus: this.opts.bus,
        retention: this.opts.retention?.(name),
        advertisedHost: name,
        incarnation,
      },
    );
    this.records.set(name, incarnation);
    this.nodes.set(name, node);
    this.hosts.set(name, host);
    this.boots.set(name, (this.boots.get(name) ?? 0) + 1);
    this.opts.onBoot?.(node, host);
    return node;
  }
}

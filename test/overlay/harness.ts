import { SimNetwork, type SimHost, type SimOptions } from "../../src/transport/index.js";
import {
  Keyring,
  lanConfig,
  type MemberEvent,
  type MemberStatus,
  type Overlay,
  type OverlayConfig,
} from "../../src/overlay/index.js";
import { buildNode, type OverlayNode } from "../../src/node/index.js";
import { MemoryMetrics, type Logger } from "../../src/observe/index.js";

/** A seed from HEARSAY_SEED (to replay a failure) or the test's default. */
export function seedFor(defaultSeed: number): number {
  const env = process.env["HEARSAY_SEED"];
  return env !== undefined && env !== "" ? Number(env) : defaultSeed;
}

export interface ClusterOptions extends Partial<Omit<SimOptions, "seed">> {
  seed: number;
  config?: Partial<OverlayConfig>;
  /** Every node gets a keyring with these keys (first = primary). */
  keys?: Uint8Array[];
  /** Per-node logger (default: silent). */
  logger?: (name: string) => Logger | undefined;
}

export interface RecordedEvent extends MemberEvent {
  observer: string;
}

/**
 * A simulated cluster of overlay members (src/node built with layers "overlay":
 * no bus, registry or catalog): the story-telling layer of the scenario tests.
 */
export class Cluster {
  readonly sim: SimNetwork;
  readonly nodes = new Map<string, Overlay>();
  /** Each host's node (keyed like `nodes`): what crash() kills. */
  private readonly built = new Map<string, OverlayNode>();
  readonly metrics = new Map<string, MemoryMetrics>();
  readonly keyrings = new Map<string, Keyring>();
  /** Each node's simulated host (transport, clock, rng), for layers built on the overlay. */
  readonly hosts = new Map<string, SimHost>();
  readonly events: RecordedEvent[] = [];
  recordEvents = true;

  constructor(private readonly opts: ClusterOptions) {
    this.sim = new SimNetwork(opts);
  }

  /** "seed=N t=T": append to every assertion message so a failure can be replayed. */
  get replay(): string {
    return `${this.sim.describe()} (replay with HEARSAY_SEED=${this.sim.seed})`;
  }

  /** Creates and starts a node on sim host `host` (default: its name). */
  add(name: string, config: Partial<OverlayConfig> = {}, host = name): Overlay {
    return this.boot(host, this.sim.addHost(host), { ...config, name });
  }

  addMany(names: string[], config: Partial<OverlayConfig> = {}): Overlay[] {
    return names.map((n) => this.add(n, config));
  }

  node(name: string): Overlay {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  address(name: string): string {
    return `${name}:7946`;
  }

  /** Every named node joins through `seed`, at `spreadMs`-spaced moments. */
  joinAll(names: string[], seed: string, spreadMs = 0): void {
    names.forEach((n, i) => {
      if (n === seed) return;
      this.sim.at(this.sim.nowMs() + i * spreadMs, () => this.node(n).join([this.address(seed)]));
    });
  }

  crash(name: string): void {
    this.sim.crash(name);
    this.built.get(name)?.kill();
  }

  /** A new process under the same name and address, joining through `seed`. */
  restart(name: string, seed: string, config: Partial<OverlayConfig> = {}): Overlay {
    const host = this.sim.restart(name);
    const n = this.boot(name, host, config);
    n.join([this.address(seed)]);
    return n;
  }

  /** How `observer` sees `target` (undefined if unknown). */
  view(observer: string, target: string): MemberStatus | undefined {
    return this.node(observer).member(target)?.status;
  }

  /** Running (not crashed, not left) node names. */
  running(): string[] {
    return [...this.nodes.keys()].filter(
      (n) => this.sim.isUp(n) && this.node(n).localMember().status !== "left",
    );
  }

  /** True if every running node sees exactly `names` as alive (and nobody else as live). */
  allSeeAlive(names: string[]): boolean {
    const want = new Set(names);
    return this.running().every((o) => {
      const live = this.node(o).liveMembers();
      return live.length === want.size && live.every((m) => m.status === "alive" && want.has(m.name));
    });
  }

  /** True if every running node other than `target` sees it with `status`. */
  allSee(target: string, status: MemberStatus): boolean {
    return this.running()
      .filter((o) => o !== target)
      .every((o) => this.view(o, target) === status);
  }

  eventsOf(type: MemberEvent["type"], target?: string): RecordedEvent[] {
    return this.events.filter((e) => e.type === type && (target === undefined || e.member.name === target));
  }

  counter(name: string, labels?: Record<string, string>): number {
    let total = 0;
    for (const m of this.metrics.values()) total += m.get(name, labels);
    return total;
  }

  private boot(name: string, host: SimHost, config: Partial<OverlayConfig>): Overlay {
    const metrics = new MemoryMetrics();
    const keyring = new Keyring(this.opts.keys ?? []);
    const member = config.name ?? name;
    this.hosts.set(member, host);
    const node = buildNode(
      {
        transport: host.transport,
        clock: host.clock,
        rng: host.rng,
        keyring,
        metrics,
        logger: this.opts.logger?.(name),
      },
      {
        overlay: lanConfig(member, { strictInvariants: true, ...this.opts.config, ...config }),
        advertisedHost: member,
      },
      { layers: "overlay" },
    );
    const overlay = node.overlay;
    overlay.on((e) => {
      if (this.recordEvents) this.events.push({ ...e, observer: name });
    });
    this.nodes.set(name, overlay);
    this.built.set(name, node);
    this.metrics.set(name, metrics);
    this.keyrings.set(name, keyring);
    return overlay;
  }
}

export function nodeNames(n: number, prefix = "n"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

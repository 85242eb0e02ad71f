// A simulated cluster that starts out converged: every node's table is loaded
// with the full member list (Overlay.preload), all alive at incarnation 0, and
// restarted: its gossip queue holds only its own alive message and its first
// push-pull is staggered over the interval scaled to N, as in a settled cluster.
// Each node is src/node's buildNode with layers "overlay" (no bus, registry or catalog) and no counters.
import { SimNetwork } from "../../src/transport/index.js";
import {
  Keyring,
  lanConfig,
  type MemberEvent,
  type Overlay,
  type OverlayConfig,
} from "../../src/overlay/index.js";
import { buildNode, type OverlayNode } from "../../src/node/index.js";
import { nullMetrics } from "../../src/observe/index.js";
import { CountingTransport } from "./counting-transport.js";

export interface SimClusterOptions {
  seed: number;
  /** Datagram loss on every link, 0..1. */
  loss: number;
  /** Every node gets this key (AES-256-GCM on every packet); none = plaintext. */
  key?: Uint8Array;
  config?: Partial<OverlayConfig>;
  /**
   * One copy of each member name and address for all nodes (they share this heap;
   * separate processes would each hold their own). Makes N = 10,000 fit in memory.
   */
  shareStrings?: boolean;
}

export interface SimNode {
  readonly name: string;
  readonly overlay: Overlay;
  readonly counter: CountingTransport;
  readonly node: OverlayNode;
}

export class SimCluster {
  readonly sim: SimNetwork;
  readonly nodes = new Map<string, SimNode>();
  private readonly crashed = new Set<string>();
  private readonly strings = new Map<string, string>();
  private readonly intern = (s: string): string => {
    const had = this.strings.get(s);
    if (had !== undefined) return had;
    this.strings.set(s, s);
    return s;
  };

  constructor(private readonly opts: SimClusterOptions) {
    // 1 ms one-way links plus the simulator's default U(0, 0.5) ms jitter.
    this.sim = new SimNetwork({ seed: opts.seed, loss: opts.loss, latencyMs: 1 });
  }

  static address(name: string): string {
    return `${name}:7946`;
  }

  add(name: string): SimNode {
    const host = this.sim.addHost(name, SimCluster.address(name));
    const counter = new CountingTransport(host.transport);
    const keyring = new Keyring(this.opts.key === undefined ? [] : [this.opts.key]);
    const node = buildNode(
      {
        transport: counter,
        clock: host.clock,
        rng: host.rng,
        keyring,
        // A MemoryMetrics per node would add its counters to the heap per node measured.
        metrics: nullMetrics,
        intern: this.opts.shareStrings === true ? this.intern : undefined,
      },
      { overlay: lanConfig(name, this.opts.config), advertisedHost: name },
      { layers: "overlay" },
    );
    const simNode = { name, overlay: node.overlay, counter, node };
    this.nodes.set(name, simNode);
    return simNode;
  }

  /** Adds `names` already converged: each lists all of them alive at incarnation 0, queues empty. */
  addConverged(names: string[]): void {
    for (const n of names) this.add(n);
    this.seed(names, names);
  }

  /**
   * Every node of `into` lists `members` alive at incarnation 0 (Overlay.preload: no gossip, no
   * events), then restarts, so its timers are those of a node that knows them all (its first
   * push-pull is staggered over the interval scaled to N, as in a cluster long settled).
   */
  seed(members: string[], into: string[]): void {
    const list = members.map((name) => ({ name, address: SimCluster.address(name) }));
    for (const n of into) {
      const { overlay } = this.node(n);
      overlay.preload(list);
      overlay.stop();
      overlay.start();
    }
  }

  node(name: string): SimNode {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  crash(name: string): void {
    this.sim.crash(name);
    this.node(name).node.kill();
    this.crashed.add(name);
  }

  running(): SimNode[] {
    return [...this.nodes.values()].filter((n) => !this.crashed.has(n.name));
  }

  /** Calls `fn` for every member event at every node (present and future listeners are not tracked). */
  onEvents(fn: (observer: string, e: MemberEvent) => void): void {
    for (const n of this.nodes.values()) n.overlay.on((e) => fn(n.name, e));
  }

  resetCounters(): void {
    for (const n of this.nodes.values()) n.counter.reset();
  }

  /**
   * Runs until `done()` holds, `limitMs` of simulated time pass, or `wallLimitMs`
   * of real time pass (a guard for slow machines). Checks every `stepMs`.
   */
  runUntil(done: () => boolean, limitMs: number, stepMs: number, wallLimitMs: number): boolean {
    const wallEnd = Date.now() + wallLimitMs;
    const simEnd = this.sim.nowMs() + limitMs;
    while (!done()) {
      if (this.sim.nowMs() >= simEnd || Date.now() > wallEnd) return false;
      this.sim.runFor(Math.min(stepMs, simEnd - this.sim.nowMs()));
    }
    return true;
  }
}

export function nodeNames(n: number, prefix = "n"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

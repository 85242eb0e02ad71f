// Simulated dissemination latency: N nodes on SimNetwork (1 ms links + the
// simulator's U(0, 0.5) ms jitter, no loss), LAN overlay defaults, bus
// defaults, every node subscribed to one type. A few origins publish at a
// modest rate; each (digest, node) pair's latency is the simulated time from
// publish to that node's local delivery. Each node is src/node's buildNode
// with layers "bus" (overlay, channels, bus; no registry or catalog).
import { encodeInterest, MemoryLogStore, type BusConfig, type Subscription } from "../../src/bus/index.js";
import { buildNode, type BusNode } from "../../src/node/index.js";
import { encodeMessage, Keyring, lanConfig } from "../../src/overlay/index.js";
import { MemoryMetrics } from "../../src/observe/index.js";
import { SimNetwork } from "../../src/transport/index.js";
import { SimTransport } from "./sim-transport.js";
import { cdfOf, summarize, type Cdf, type Summary } from "./stats.js";

export interface SimLatencyOptions {
  nodes: number;
  origins: number;
  digests: number;
  /** Publishes per second, all origins together (simulated time). */
  ratePerS: number;
  payloadBytes: number;
  seed: number;
  /** Simulated settling before the first publish. @default 2000 */
  settleMs: number;
  /** Simulated time allowed after the last publish for every node to deliver. */
  tailMs: number;
  /** Real-time guard. */
  wallLimitMs: number;
  /** Overrides of the bus defaults (none for the headline figure). */
  bus?: Partial<BusConfig>;
  log: (msg: string) => void;
}

export interface SimLatencyResult {
  nodes: number;
  origins: number;
  digests: number;
  /** (digest, node) pairs expected: digests x (N - 1), the origin's own delivery excluded. */
  expected: number;
  delivered: number;
  latencyMs: Summary;
  /** The latency distribution, 202 percentiles (docs/plots). */
  latencyCdfMs: Cdf;
  /** Pairs delivered later than 20 ms, in percent. */
  over20MsPct: number;
  /** Bytes all nodes sent (UDP payload + stream frames, overlay gossip included) per (digest, node) pair delivered. */
  busBytesPerPair: number;
  counters: Record<string, number>;
  wallS: number;
  heapMiB: number;
}

const TYPE = "bench.Blob";
const SEEDER = "bench-seeder:7946";

interface Node {
  name: string;
  node: BusNode;
  transport: SimTransport;
  sub: Subscription;
}

export function runSimLatency(o: SimLatencyOptions): SimLatencyResult {
  const wallStart = Date.now();
  const sim = new SimNetwork({ seed: o.seed, latencyMs: 1 });
  const metrics = new MemoryMetrics(); // shared: counters are cluster totals
  const names = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
  const nodes = names.map((name): Node => {
    const host = sim.addHost(name);
    const transport = new SimTransport(host.transport);
    const node = buildNode(
      {
        transport,
        clock: host.clock,
        rng: host.rng,
        // The epoch-less log the headline figures were measured with (no epoch drawn from the Rng).
        store: new MemoryLogStore(),
        keyring: new Keyring([]),
        metrics,
      },
      { overlay: lanConfig(name), bus: o.bus, advertisedHost: name },
      { layers: "bus" },
    );
    const s = node.bus.subscribe({ types: [TYPE] });
    if (!s.ok) throw new Error(`subscribe at ${name}: ${s.error.message}`);
    return { name, node, transport, sub: s.subscription };
  });
  seedConverged(nodes);
  o.log(`sim: ${o.nodes} nodes converged (${((Date.now() - wallStart) / 1000).toFixed(1)} s wall)`);
  sim.runFor(o.settleMs);

  const publishedAt = new Map<string, { atMs: number; origin: string }>();
  const lat = new Float64Array(o.digests * (o.nodes - 1));
  let delivered = 0;
  for (const n of nodes) {
    n.sub.onReadable(() => {
      const now = sim.nowMs();
      for (const item of n.sub.drain()) {
        if (item.kind !== "digest") continue;
        const p = publishedAt.get(`${item.digest.origin}:${item.digest.seq}`);
        if (p === undefined || p.origin === n.name || delivered >= lat.length) continue;
        lat[delivered++] = now - p.atMs;
      }
    });
  }
  const originNodes = Array.from(
    { length: o.origins },
    (_, i) => nodes[Math.floor((i * o.nodes) / o.origins)] as Node,
  );
  const payload = new Uint8Array(o.payloadBytes).fill(7);
  const t0 = sim.nowMs();
  for (let i = 0; i < o.digests; i++) {
    const origin = originNodes[i % originNodes.length] as Node;
    sim.at(t0 + (i * 1000) / o.ratePerS, () => {
      const r = origin.node.bus.publish({ type: TYPE, payload });
      if (!r.ok) throw new Error(`publish: ${r.error.message}`);
      publishedAt.set(`${r.digest.origin}:${r.digest.seq}`, { atMs: sim.nowMs(), origin: origin.name });
    });
  }
  for (const n of nodes) n.transport.reset();
  const lastPublish = t0 + ((o.digests - 1) * 1000) / o.ratePerS;
  const wallEnd = wallStart + o.wallLimitMs;
  while (delivered < lat.length && sim.nowMs() < lastPublish + o.tailMs && Date.now() < wallEnd) {
    sim.runFor(100);
  }
  let busBytes = 0;
  for (const n of nodes) busBytes += n.transport.udpBytes + n.transport.streamBytes;
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  for (const n of nodes) n.node.kill();
  const latency = summarize(lat.subarray(0, delivered));
  let late = 0;
  for (let i = 0; i < delivered; i++) if ((lat[i] as number) > 20) late++;
  const counters: Record<string, number> = {};
  for (const [k, v] of metrics.counters) if (k.startsWith("bus_")) counters[k] = v;
  return {
    nodes: o.nodes,
    origins: o.origins,
    digests: o.digests,
    expected: lat.length,
    delivered,
    latencyMs: latency,
    latencyCdfMs: cdfOf(lat.subarray(0, delivered)),
    over20MsPct: delivered === 0 ? NaN : (100 * late) / delivered,
    busBytesPerPair: delivered === 0 ? NaN : busBytes / delivered,
    counters,
    wallS: (Date.now() - wallStart) / 1000,
    heapMiB,
  };
}

/**
 * Every node learns every member alive at incarnation 1 with the bus interest
 * section it has already set (subscribe bumped it to 1), through its own
 * push-pull handler; then restarts its overlay so the gossip queue is empty.
 */
function seedConverged(nodes: Node[]): void {
  const interest = encodeInterest([TYPE]);
  const first = nodes[0];
  if (first === undefined) return;
  // Chunks below maxBroadcastQueue: a merge past it prunes the queue per insert.
  const chunk = Math.max(1, first.node.overlay.config.maxBroadcastQueue - 1);
  for (let i = 0; i < nodes.length; i += chunk) {
    const frame = encodeMessage({
      type: "push-pull",
      join: false,
      from: "bench-seeder",
      nodes: nodes.slice(i, i + chunk).map((n) => ({
        name: n.name,
        addr: n.transport.localAddress,
        incarnation: 1,
        status: "alive" as const,
        meta: { tags: {}, sections: { bus: interest } },
      })),
    });
    for (const n of nodes) {
      n.transport.inject(SEEDER, frame);
      n.node.overlay.stop();
      n.node.overlay.start();
    }
  }
  for (const n of nodes) {
    const self = n.node.overlay.member(n.name);
    if (self?.incarnation !== 1) throw new Error(`seeding: ${n.name} is at incarnation ${self?.incarnation}`);
  }
}

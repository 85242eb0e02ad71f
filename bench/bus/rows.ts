// Results -> table rows, each with its anchor (a goal or a figure measured in
// the same run) and the load average beside wall-clock figures.
import type { ThroughputResult, LatencyResult, RssResult } from "./gateway-bench.js";
import type { StreamRate } from "./grpc-anchor.js";
import type { Traffic } from "./nft.js";
import type { Row } from "./report.js";
import type { SerfEventsResult } from "./serf-events.js";
import type { SimLatencyResult } from "./sim-latency.js";

export interface Results {
  sim?: SimLatencyResult;
  simVariants: Array<{ fanout: number; result: SimLatencyResult }>;
  serf?: SerfEventsResult;
  serfLoad?: number;
  anchor?: StreamRate[];
  anchorLoad?: number;
  idle?: { seconds: number; traffic: Traffic; load: number };
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  rss?: RssResult;
  /** Part -> error message, for parts that failed. */
  errors: Record<string, string>;
}

const SIM_GOAL_MS = 20;
const THROUGHPUT_GOAL = 50_000;
const LATENCY_GOAL_MS = 5;
const WIRE_OVERHEAD_GOAL = 64;
const MiB = 2 ** 20;

export function simRows(r: SimLatencyResult, serf: SerfEventsResult | undefined, label = ""): Row[] {
  const c = `N=${r.nodes}${label}, ${r.origins} origins, ${r.digests} digests`;
  const vsSerf = "Serf loopback (real)";
  const L = r.latencyMs;
  return [
    {
      bench: "sim",
      case: c,
      metric: "delivery latency p50",
      value: L.p50,
      unit: "ms (sim)",
      anchor: serf?.latencyMs.p50,
      anchorName: `${vsSerf} p50`,
      better: "lower",
      samples: L.n,
    },
    {
      bench: "sim",
      case: c,
      metric: "delivery latency p99",
      value: L.p99,
      unit: "ms (sim)",
      anchor: serf?.latencyMs.p99,
      anchorName: `${vsSerf} p99`,
      better: "lower",
      samples: L.n,
    },
    {
      bench: "sim",
      case: c,
      metric: "delivery latency p99 vs goal",
      value: L.p99,
      unit: "ms (sim)",
      anchor: SIM_GOAL_MS,
      anchorName: "goal",
      better: "lower",
      samples: L.n,
    },
    { bench: "sim", case: c, metric: "delivery latency max", value: L.max, unit: "ms (sim)", samples: L.n },
    {
      bench: "sim",
      case: c,
      metric: "pairs later than 20 ms",
      value: r.over20MsPct,
      unit: "%",
      samples: L.n,
      note: `repaired by anti-entropy: ${r.counters["bus_repaired_total"] ?? 0} digests`,
    },
    {
      bench: "sim",
      case: c,
      metric: "(digest, node) pairs delivered",
      value: r.delivered,
      unit: "pairs",
      anchor: r.expected,
      anchorName: "expected",
      note: `wall ${r.wallS.toFixed(0)} s, heap ${r.heapMiB.toFixed(0)} MiB`,
    },
    {
      bench: "sim",
      case: c,
      metric: "bytes sent per pair delivered",
      value: r.busBytesPerPair,
      unit: "B",
      note: "all UDP payload + stream frames of all nodes in the run (overlay gossip included)",
    },
  ];
}

export function serfRows(r: SerfEventsResult, load: number | undefined): Row[] {
  const c = `${r.agents} agents, loopback, ${r.events} events`;
  const L = r.latencyMs;
  return [
    {
      bench: "serf",
      case: c,
      metric: "user event latency p50",
      value: L.p50,
      unit: "ms (real)",
      load,
      samples: L.n,
    },
    {
      bench: "serf",
      case: c,
      metric: "user event latency p99",
      value: L.p99,
      unit: "ms (real)",
      load,
      samples: L.n,
    },
    {
      bench: "serf",
      case: c,
      metric: "user event latency max",
      value: L.max,
      unit: "ms (real)",
      load,
      samples: L.n,
    },
    {
      bench: "serf",
      case: c,
      metric: "last agent, median event",
      value: r.lastAgentMs.p50,
      unit: "ms (real)",
      load,
      samples: r.lastAgentMs.n,
      note: `${r.delivered}/${r.expected} pairs seen`,
    },
  ];
}

export function anchorRows(rates: StreamRate[], load: number | undefined): Row[] {
  return rates.flatMap((s) => [
    {
      bench: "grpc-js",
      case: `one stream, ${s.messageBytes} B messages, in-process`,
      metric: "server stream",
      value: s.serverStream,
      unit: "msg/s",
      load,
    },
    {
      bench: "grpc-js",
      case: `one stream, ${s.messageBytes} B messages, in-process`,
      metric: "client stream",
      value: s.clientStream,
      unit: "msg/s",
      load,
    },
  ]);
}

export function throughputRows(t: ThroughputResult, batch: number, anchor: StreamRate | undefined): Row[] {
  const c = `3 gateways, g1 -> g2, batches of ${batch}`;
  const cpu = t.cpuPct;
  const cpuNote = `CPU % of a core: g1 ${cpu.g1.toFixed(0)}, g2 ${cpu.g2.toFixed(0)}, g3 ${cpu.g3.toFixed(0)}, bench ${cpu.bench.toFixed(0)}`;
  // CPU % of a core -> microseconds of that process's CPU per digest delivered.
  const perDigestUs = (pct: number) => (t.deliveredPerS > 0 ? (pct / 100 / t.deliveredPerS) * 1e6 : NaN);
  return [
    {
      bench: "throughput",
      case: c,
      metric: "delivered to subscriber",
      value: t.deliveredPerS,
      unit: "digests/s",
      anchor: THROUGHPUT_GOAL,
      anchorName: "goal",
      better: "higher",
      load: t.load,
      samples: Math.round(t.deliveredPerS * t.windowS),
      note: cpuNote,
    },
    {
      bench: "throughput",
      case: c,
      metric: "delivered vs grpc-js 256 B stream",
      value: t.deliveredPerS,
      unit: "digests/s",
      anchor: anchor?.serverStream,
      anchorName: "grpc-js server stream msg/s",
      load: t.load,
    },
    {
      bench: "throughput",
      case: c,
      metric: "gateway CPU per digest delivered",
      value: perDigestUs(cpu.g1) + perDigestUs(cpu.g2),
      unit: "us",
      load: t.load,
      note: `g1 (origin) ${perDigestUs(cpu.g1).toFixed(1)} us, g2 (subscriber) ${perDigestUs(cpu.g2).toFixed(1)} us, bench ${perDigestUs(cpu.bench).toFixed(1)} us; CPU time is what load does not inflate much`,
    },
    {
      bench: "throughput",
      case: c,
      metric: "publisher wrote",
      value: t.publishedPerS,
      unit: "digests/s",
      load: t.load,
      note: `${t.acceptedTotal}/${t.publishedTotal} accepted, ${t.stalls} backpressure waits timed out${t.errors.length > 0 ? `; errors: ${t.errors[0]}` : ""}`,
    },
    {
      bench: "throughput",
      case: c,
      metric: "gap notices",
      value: t.gaps,
      unit: "",
      load: t.load,
      note: `${t.deliveredTotal} of ${t.acceptedTotal} delivered after drain`,
    },
    {
      bench: "throughput",
      case: c,
      metric: "UDP receive-buffer drops (host)",
      value: t.udpRcvbufErrors,
      unit: "datagrams",
      load: t.load,
      note: "/proc/net/snmp RcvbufErrors in the window",
    },
  ];
}

export function latencyRows(l: LatencyResult): Row[] {
  const c = `paced ${l.ratePerS}/s, g1 -> g2`;
  const L = l.latencyMs;
  return [
    {
      bench: "latency",
      case: c,
      metric: "publish -> delivery p50",
      value: L.p50,
      unit: "ms",
      load: l.load,
      samples: L.n,
    },
    {
      bench: "latency",
      case: c,
      metric: "publish -> delivery p99",
      value: L.p99,
      unit: "ms",
      anchor: LATENCY_GOAL_MS,
      anchorName: "goal",
      better: "lower",
      load: l.load,
      samples: L.n,
    },
    {
      bench: "latency",
      case: c,
      metric: "publish -> delivery max",
      value: L.max,
      unit: "ms",
      load: l.load,
      samples: L.n,
      note: `achieved ${l.achievedPerS.toFixed(0)}/s; ${l.received}/${l.sent} delivered, ${l.gaps} gaps, ${l.udpRcvbufErrors} UDP rcvbuf drops`,
    },
  ];
}

export function wireRows(t: ThroughputResult, idle: Results["idle"], payload: number): Row[] {
  if (t.traffic === null) return [];
  const delivered = t.deliveredPerS * t.windowS;
  const scale = idle === undefined ? 0 : t.windowS / idle.seconds;
  const idleBytes = idle === undefined ? 0 : sum(idle.traffic) * scale;
  const udp = t.traffic.udp12.bytes + t.traffic.udp21.bytes;
  const c = "g1 <-> g2 gossip ports, IP bytes";
  const goal = payload + WIRE_OVERHEAD_GOAL;
  return [
    {
      bench: "wire",
      case: c,
      metric: "bytes per digest per hop",
      value: (sum(t.traffic) - idleBytes) / delivered,
      unit: "B",
      anchor: goal,
      anchorName: `goal: payload ${payload} + 64`,
      better: "lower",
      load: t.load,
      note: `idle overlay ${idle === undefined ? "not measured" : `${(idleBytes / t.windowS).toFixed(0)} B/s subtracted`}`,
    },
    {
      bench: "wire",
      case: c,
      metric: "of which UDP (pushes)",
      value: udp / delivered,
      unit: "B",
      note: `${t.traffic.udp12.packets} datagrams g1->g2, ${(t.traffic.udp12.bytes / Math.max(1, t.traffic.udp12.packets)).toFixed(0)} B each`,
    },
    {
      bench: "wire",
      case: c,
      metric: "of which TCP (sync, repair, push-pull)",
      value: t.traffic.tcp.bytes / delivered,
      unit: "B",
      note: `${t.traffic.tcp.packets} segments`,
    },
  ];
}

function sum(t: Traffic): number {
  return t.udp12.bytes + t.udp21.bytes + t.tcp.bytes;
}

export function rssRows(r: RssResult): Row[] {
  const c = `after ${r.digests} digests published at g1`;
  return r.after.map((a, i) => ({
    bench: "rss",
    case: c,
    metric: `${a.name} VmRSS${a.name === "g1" ? " (origin)" : a.name === "g2" ? " (subscriber)" : " (uninterested)"}`,
    value: a.rss / MiB,
    unit: "MiB",
    load: r.load,
    note: `before ${((r.before[i]?.rss ?? NaN) / MiB).toFixed(1)} MiB; VmHWM ${(a.hwm / MiB).toFixed(1)} MiB`,
  }));
}

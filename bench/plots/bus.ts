// Plots of bench/bus's JSON: delivery latency CDFs (simulated dissemination
// beside Serf user events; paced gateways on loopback) and throughput beside
// the grpc-js stream anchor and the goal.
import type { Machine } from "../common/machine.js";
import { barChart, cdfChart, type Cdf } from "../common/plot.js";
import { footer, type Plot } from "./source.js";

interface Latency {
  latencyCdfMs?: Cdf;
  latencyMs: { n: number; p50: number; p99: number };
}

/** What bench/bus/main.ts writes with --json (the parts plotted). */
export interface BusJson {
  machine: Machine;
  command: string;
  loadAtStart: number;
  results: {
    sim?: Latency & { nodes: number; origins: number; digests: number };
    serf?: Latency & { agents: number; events: number };
    latency?: Latency & { ratePerS: number; load: number };
    anchor?: Array<{ messageBytes: number; serverStream: number; clientStream: number }>;
    throughput?: { deliveredPerS: number; load: number };
  };
}

export function isBus(j: unknown): j is BusJson {
  const o = j as Partial<BusJson>;
  return typeof o.results === "object" && o.results !== null && o.machine !== undefined;
}

const THROUGHPUT_GOAL = 50_000;
/** Anchors are grey beside Hearsay's blue. */
const ANCHOR = "#999999";

export function busPlots(j: BusJson, file: string, payloadBytes = 256): Plot[] {
  const out: Plot[] = [];
  const foot = footer({ file, machine: j.machine, command: j.command });
  const r = j.results;
  const cdfs: Array<{ name: string; cdf: Cdf; dashed?: boolean }> = [];
  if (r.sim?.latencyCdfMs)
    cdfs.push({
      name: `Hearsay bus, ${r.sim.nodes} simulated nodes (simulated ms)`,
      cdf: r.sim.latencyCdfMs,
    });
  if (r.serf?.latencyCdfMs)
    cdfs.push({
      name: `Serf user events, ${r.serf.agents} real agents on loopback (real ms)`,
      cdf: r.serf.latencyCdfMs,
      dashed: true,
    });
  if (cdfs.length > 0)
    out.push({
      name: "bus-dissemination-cdf.svg",
      svg: cdfChart({
        title: "Dissemination latency: publish -> delivery at every other node",
        subtitle:
          "per (digest, node) pair; Hearsay's eager push (simulated) beside Serf's gossip (real processes)",
        x: { label: "latency, ms (log scale)", log: true },
        series: cdfs,
        footer: foot,
      }),
    });
  if (r.latency?.latencyCdfMs)
    out.push({
      name: "bus-gateway-latency-cdf.svg",
      svg: cdfChart({
        title: `Gateways on loopback: publish at g1 -> delivery at g2, paced ${r.latency.ratePerS.toLocaleString("en-US")}/s`,
        subtitle: `${r.latency.latencyMs.n.toLocaleString("en-US")} digests, send time stamped in the payload; goal p99 <= 5 ms; load ${r.latency.load.toFixed(2)}`,
        x: { label: "publish -> delivery, ms (log scale)", log: true },
        marks: [{ value: 5, label: "goal p99 5 ms" }],
        series: [
          {
            name: "3 hearsay agents (profile local), PublishStream -> Subscribe",
            cdf: r.latency.latencyCdfMs,
          },
        ],
        footer: foot,
      }),
    });
  const small = r.anchor?.find((a) => a.messageBytes === payloadBytes);
  if (r.throughput || small)
    out.push({
      name: "bus-throughput.svg",
      svg: barChart({
        title: `Throughput: digests through the bus beside one grpc-js stream (${payloadBytes} B)`,
        subtitle: `bus: 3 gateways on loopback, publisher at g1 (batches of 512), subscriber at g2, load ${r.throughput?.load.toFixed(2) ?? "-"}; grpc-js: one stream, in-process, no codec work`,
        y: { label: "digests or messages per second" },
        series: ["per second"],
        groups: [
          { label: "Hearsay: delivered to the subscriber", values: [r.throughput?.deliveredPerS ?? null] },
          { label: "anchor: grpc-js server stream", values: [small?.serverStream ?? null], color: ANCHOR },
          { label: "anchor: grpc-js client stream", values: [small?.clientStream ?? null], color: ANCHOR },
        ],
        references: [{ value: THROUGHPUT_GOAL, label: "goal 50,000/s" }],
        footer: foot,
      }),
    });
  return out;
}

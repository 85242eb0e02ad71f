// Plots of bench/sdk-typescript's JSON: throughput per transport beside the
// bus goal, and publish -> delivery latency CDFs at the paced rate.
import type { Machine } from "../common/machine.js";
import { barChart, cdfChart, type Cdf } from "../common/plot.js";
import { footer, type Plot } from "./source.js";

/** What bench/sdk-typescript/main.ts writes with --json. */
export interface SdkTypescriptJson {
  machine: Machine;
  command: string;
  options: { count: number; unaryCount: number; rate: number; latencyS: number; payloadBytes: number };
  rows: Array<{
    transport: string;
    throughputPerS: number;
    complete: boolean;
    latencyCdfMs?: Cdf;
    load: number;
  }>;
}

export function isSdkTypescript(j: unknown): j is SdkTypescriptJson {
  const o = j as Partial<SdkTypescriptJson>;
  return Array.isArray(o.rows) && typeof o.options === "object" && o.machine !== undefined;
}

export function sdkTypescriptPlots(j: SdkTypescriptJson, file: string): Plot[] {
  if (j.rows.length === 0) return [];
  const foot = footer({
    file,
    machine: j.machine,
    command: j.command,
    loadAtEnd: j.rows[j.rows.length - 1]?.load,
  });
  const o = j.options;
  const out: Plot[] = [
    {
      name: "sdk-typescript-throughput.svg",
      svg: barChart({
        title: `TypeScript SDK: publish at gateway 1 -> subscribe at gateway 2 (${o.payloadBytes} B)`,
        subtitle: `flat out, ${o.count.toLocaleString("en-US")} digests per case (unary Publish: ${o.unaryCount.toLocaleString("en-US")}); two hearsay agents on loopback`,
        y: { label: "digests delivered per second" },
        series: ["delivered per second"],
        groups: j.rows.map((r) => ({ label: r.transport, values: [r.throughputPerS] })),
        references: [{ value: 50_000, label: "bus goal 50,000/s" }],
        footer: foot,
      }),
    },
  ];
  const cdfs = j.rows.flatMap((r) => (r.latencyCdfMs ? [{ name: r.transport, cdf: r.latencyCdfMs }] : []));
  if (cdfs.length > 0)
    out.push({
      name: "sdk-typescript-latency-cdf.svg",
      svg: cdfChart({
        title: `TypeScript SDK: publish -> delivery latency at ${o.rate.toLocaleString("en-US")} digests/s`,
        subtitle: `paced in 1 ms ticks for ${o.latencyS} s per case; receiver's clock, same machine; goal p99 <= 5 ms`,
        x: { label: "publish -> delivery, ms (log scale)", log: true },
        marks: [{ value: 5, label: "goal p99 5 ms" }],
        series: cdfs,
        footer: foot,
      }),
    });
  return out;
}

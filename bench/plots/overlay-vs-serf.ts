// Plots of bench/overlay-vs-serf's JSON: membership convergence of real agents
// on loopback against N, Hearsay beside Serf (its anchor), measured in the same run.
import type { Machine } from "../common/machine.js";
import { lineChart, PALETTE, type LineSeries, type Point } from "../common/plot.js";
import { footer, type Plot } from "./source.js";

interface Sample {
  readonly system: string;
  readonly channel: string;
  readonly size: number;
  readonly metric: string;
  readonly ms: number | null;
}

/** What bench/overlay-vs-serf/main.ts writes with --json (its ReportInput). */
export interface OverlayVsSerfJson {
  readonly machine: Machine;
  readonly loadAtEnd: number;
  readonly command: string;
  readonly runs: number;
  readonly sizes: readonly number[];
  readonly samples: readonly Sample[];
}

export function isOverlayVsSerf(j: unknown): j is OverlayVsSerfJson {
  const o = j as Partial<OverlayVsSerfJson>;
  return Array.isArray(o.samples) && Array.isArray(o.sizes) && o.machine !== undefined;
}

const SCENARIOS = [
  { metric: "join", label: "join" },
  { metric: "fail", label: "failure detection" },
  { metric: "leave", label: "leave" },
];

function points(j: OverlayVsSerfJson, system: string, channel: string, metric: string): Point[] {
  return j.sizes.flatMap((size) => {
    const xs = j.samples
      .filter((s) => s.system === system && s.channel === channel && s.metric === metric && s.size === size)
      .map((s) => s.ms)
      .filter((ms): ms is number => ms !== null)
      .sort((a, b) => a - b);
    if (xs.length === 0) return [];
    const m = xs.length >> 1;
    const med = xs.length % 2 === 1 ? (xs[m] as number) : ((xs[m - 1] as number) + (xs[m] as number)) / 2;
    return [{ x: size, y: med, lo: xs[0] as number, hi: xs[xs.length - 1] as number }];
  });
}

export function overlayVsSerfPlots(j: OverlayVsSerfJson, file: string): Plot[] {
  const series: LineSeries[] = [];
  SCENARIOS.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const h = points(j, "hearsay", "grpc", s.metric);
    const serf = points(j, "serf", "log", s.metric);
    if (h.length > 0) series.push({ name: `Hearsay: ${s.label}`, color, points: h });
    if (serf.length > 0) series.push({ name: `Serf: ${s.label}`, color, dashed: true, points: serf });
  });
  if (series.length === 0) return [];
  return [
    {
      name: "overlay-vs-serf-vs-n.svg",
      svg: lineChart({
        title: "Membership on loopback vs cluster size: Hearsay and Serf agents",
        subtitle: `real processes, LAN timing; median and min-max of ${j.runs} fresh clusters per N; dashed: Serf (its log line)`,
        x: { label: "agents N (log scale)", log: true, at: j.sizes },
        y: { label: "milliseconds (log scale)", log: true, min: 50 },
        series,
        footer: footer({ file, machine: j.machine, command: j.command, loadAtEnd: j.loadAtEnd }),
      }),
    },
  ];
}

// Plots of bench/overlay-sim's JSON: join convergence and failure detection
// against N, Hearsay (simulated) beside its anchors (Serf's model, SWIM, memberlist's bound).
import type { Machine } from "../common/machine.js";
import { lineChart, PALETTE, type LineSeries, type Point } from "../common/plot.js";
import { footer, type Plot } from "./source.js";

interface Row {
  bench: string;
  case: string;
  metric: string;
  value: number | null;
  anchor?: number | null;
}

interface JoinRun {
  n: number;
  lossPct: number;
  t100Ms: number | null;
}

interface FailureRun {
  n: number;
  firstSuspectMs: number | null;
  deadEverywhereMs: number | null;
}

/** What bench/overlay-sim/main.ts writes with --json. */
export interface OverlaySimJson {
  machine: Machine;
  command: string;
  rows: Row[];
  raw: { join?: { runs: JoinRun[] }; failure?: { runs: FailureRun[] } };
}

export function isOverlaySim(j: unknown): j is OverlaySimJson {
  const o = j as Partial<OverlaySimJson>;
  return Array.isArray(o.rows) && typeof o.raw === "object" && o.raw !== null && o.machine !== undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median with the min-max range, in seconds, per N. */
function spread(byN: Map<number, number[]>): Point[] {
  return [...byN.entries()]
    .filter(([, xs]) => xs.length > 0)
    .map(([n, xs]) => ({
      x: n,
      y: median(xs) / 1000,
      lo: Math.min(...xs) / 1000,
      hi: Math.max(...xs) / 1000,
    }));
}

function group<T>(
  xs: readonly T[],
  key: (x: T) => number,
  value: (x: T) => number | null,
): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const x of xs) {
    const v = value(x);
    if (!m.has(key(x))) m.set(key(x), []);
    if (v !== null) m.get(key(x))?.push(v);
  }
  return m;
}

/** Anchor points of rows whose case reads "N=<n>..." and whose metric is `metric`. */
function anchorPoints(rows: readonly Row[], bench: string, metric: string, caseRe: RegExp): Point[] {
  return rows
    .filter(
      (r) => r.bench === bench && r.metric === metric && caseRe.test(r.case) && typeof r.anchor === "number",
    )
    .map((r) => ({ x: Number(/N=(\d+)/.exec(r.case)?.[1]), y: r.anchor as number }));
}

export function overlaySimPlots(j: OverlaySimJson, file: string): Plot[] {
  const out: Plot[] = [];
  const foot = footer({ file, machine: j.machine, command: j.command });
  const joins = j.raw.join?.runs ?? [];
  if (joins.length > 0) {
    const losses = [...new Set(joins.map((r) => r.lossPct))].sort((a, b) => a - b);
    const series: LineSeries[] = [];
    losses.forEach((loss, i) => {
      const color = PALETTE[i % PALETTE.length];
      const runs = joins.filter((r) => r.lossPct === loss);
      series.push({
        name: `Hearsay, ${loss}% loss`,
        color,
        points: spread(
          group(
            runs,
            (r) => r.n,
            (r) => r.t100Ms,
          ),
        ),
      });
      const anchor = anchorPoints(j.rows, "join", "100% know median", new RegExp(`loss=${loss}%$`));
      if (anchor.length > 0)
        series.push({ name: `Serf model, ${loss}% loss`, color, dashed: true, points: anchor });
    });
    const runsPer = Math.max(
      ...[
        ...group(
          joins,
          (r) => r.n * 1000 + r.lossPct,
          () => 1,
        ).values(),
      ].map((x) => x.length),
    );
    out.push({
      name: "overlay-join-vs-n.svg",
      svg: lineChart({
        title: "Join convergence vs cluster size (simulated, LAN defaults)",
        subtitle: `time until every member lists a new node alive; median and min-max of ${runsPer} seeds; dashed: Serf's convergence model`,
        x: { label: "cluster size N (log scale)", log: true },
        y: { label: "seconds (simulated)" },
        series,
        footer: foot,
      }),
    });
  }
  const fails = j.raw.failure?.runs ?? [];
  if (fails.length > 0) {
    const crashes = Math.max(
      ...[
        ...group(
          fails,
          (r) => r.n,
          () => 1,
        ).values(),
      ].map((x) => x.length),
    );
    const series: LineSeries[] = [
      {
        name: "Hearsay: crash -> dead everywhere",
        color: PALETTE[0],
        points: spread(
          group(
            fails,
            (r) => r.n,
            (r) => r.deadEverywhereMs,
          ),
        ),
      },
      {
        name: "anchor: 1.58 periods + memberlist bound",
        color: PALETTE[0],
        dashed: true,
        points: anchorPoints(j.rows, "failure", "crash -> dead everywhere median", /^N=\d+$/),
      },
      {
        name: "Hearsay: crash -> first suspicion",
        color: PALETTE[1],
        points: spread(
          group(
            fails,
            (r) => r.n,
            (r) => r.firstSuspectMs,
          ),
        ),
      },
      {
        name: "anchor: SWIM 1.58 probe periods",
        color: PALETTE[1],
        dashed: true,
        points: anchorPoints(j.rows, "failure", "first suspicion median", /^N=\d+$/),
      },
    ];
    out.push({
      name: "overlay-failure-vs-n.svg",
      svg: lineChart({
        title: "Failure detection vs cluster size (simulated, LAN defaults)",
        subtitle: `one crash at a time; median and min-max of ${crashes} crashes per N`,
        x: { label: "cluster size N (log scale)", log: true },
        y: { label: "seconds (simulated)" },
        series,
        footer: foot,
      }),
    });
  }
  return out;
}

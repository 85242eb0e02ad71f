// One figure per row, its anchor and the ratio beside it; printed as a plain
// table, as Markdown for docs/BENCHMARKS.md, and kept raw for --json.
import type { Machine } from "./machine.js";

export interface Row {
  bench: string;
  case: string;
  metric: string;
  /** null = not measured or not reached within the run's limits. */
  value: number | null;
  unit: string;
  /** What the value is compared with: a goal or a figure measured in the same run. */
  anchor?: number | null;
  anchorName?: string;
  /** Direction of "good": ratio = value / anchor, ok when <= 1 (lower) or >= 1 (higher). */
  better?: "lower" | "higher";
  /** 1-minute load average when the figure was taken (wall-clock figures only). */
  load?: number;
  samples?: number;
  note?: string;
}

function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  return x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function ratio(r: Row): string {
  if (r.value === null || r.anchor === null || r.anchor === undefined || r.anchor === 0) return "-";
  const q = r.value / r.anchor;
  if (r.better === undefined) return `${q.toFixed(3)}x`;
  const ok = r.better === "lower" ? q <= 1 : q >= 1;
  return `${q.toFixed(3)}x ${ok ? "ok" : "missed"}`;
}

const HEAD = [
  "bench",
  "case",
  "metric",
  "value",
  "unit",
  "anchor",
  "anchor is",
  "ratio",
  "load",
  "n",
  "note",
];

function cells(r: Row): string[] {
  return [
    r.bench,
    r.case,
    r.metric,
    fmt(r.value),
    r.unit,
    fmt(r.anchor),
    r.anchorName ?? "",
    ratio(r),
    r.load === undefined ? "" : r.load.toFixed(2),
    r.samples === undefined ? "" : fmt(r.samples, 0),
    r.note ?? "",
  ];
}

export function machineLines(m: Machine, loadAtStart: number, loadAtEnd: number): string[] {
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}`,
    `1-minute load ${loadAtStart.toFixed(2)} at start, ${loadAtEnd.toFixed(2)} at end (per-row load beside each wall-clock figure)`,
    `node ${m.node}, hearsay ${m.hearsay}, @grpc/grpc-js ${m.grpcJs}, ${m.serf}`,
    `date ${m.date}, seed ${m.seed}`,
  ];
}

export function plainTable(rows: readonly Row[]): string {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length)));
  return table
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

export function markdown(
  head: readonly string[],
  command: string,
  rows: readonly Row[],
  notes: readonly string[],
): string {
  const out = [
    "## Digest bus: simulated dissemination and gateways on loopback (bench/bus)",
    "",
    ...head.map((l) => `- ${l}`),
    `- command: \`${command}\``,
    "",
    `| ${HEAD.join(" | ")} |`,
    `|${HEAD.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cells(r).join(" | ")} |`),
    "",
    ...notes.map((n) => `- ${n}`),
  ];
  return out.join("\n");
}

// One figure per row, its anchor and the ratio beside it; printed as a plain
// table, as Markdown for docs/BENCHMARKS.md, and kept raw for --json.
import type { Machine } from "../common/machine.js";

export interface Row {
  bench: string;
  case: string;
  metric: string;
  /** null = not reached within the run's limits. */
  value: number | null;
  unit: string;
  /** Lower is better everywhere: ratio = value / anchor, goal <= 1. */
  anchor?: number | null;
  anchorName?: string;
  /** Runs (or nodes, processes) the figure summarises. */
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
  return `${q.toFixed(2)}x ${q <= 1 ? "ok" : "over"}`;
}

const HEAD = ["bench", "case", "metric", "value", "unit", "anchor", "anchor is", "ratio", "n", "note"];

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
    r.samples === undefined ? "" : String(r.samples),
    r.note ?? "",
  ];
}

export function machineLines(m: Machine): string[] {
  return [
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}, load ${m.loadAtStart.toFixed(2)} at start`,
    `node ${m.node}, hearsay ${m.hearsay}, date ${m.date}, seed ${m.seed}`,
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
  m: Machine,
  command: string,
  rows: readonly Row[],
  notes: readonly string[],
): string {
  const out = [
    "## Overlay, simulated and single-process (bench/overlay-sim)",
    "",
    ...machineLines(m).map((l) => `- ${l}`),
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

// The results as a plain table (stdout) and as a Markdown section for
// docs/BENCHMARKS.md, with machine, versions and parameters beside them.
import type { Machine } from "../common/machine.js";
import { METRICS, type Sample } from "./scenarios.js";
import { ratio, summarize, type Summary } from "./stats.js";

/** A column: one system observed through one channel. */
export interface Series {
  readonly system: string;
  readonly channel: string;
  readonly label: string;
}

export interface ReportInput {
  readonly machine: Machine;
  /** 1-minute load average when the bench ended. */
  readonly loadAtEnd: number;
  readonly versions: readonly string[];
  readonly parameters: readonly string[];
  readonly command: string;
  readonly runs: number;
  readonly sizes: readonly number[];
  readonly series: readonly Series[];
  readonly samples: readonly Sample[];
}

const ANCHOR = { system: "serf", channel: "log" };
const SUBJECT = { system: "hearsay", channel: "grpc" };

interface Row {
  readonly label: string;
  readonly size: number;
  readonly cells: readonly string[];
  readonly ratio: string;
}

function cell(s: Summary): string {
  if (s.medianMs === null) return s.timeouts ? `failed x${s.timeouts}` : "-";
  const range = `${Math.round(s.minMs!)}-${Math.round(s.maxMs!)}`;
  const lost = s.timeouts ? ` +${s.timeouts} failed` : "";
  return `${Math.round(s.medianMs)} (${range})${lost}`;
}

function rows(input: ReportInput): Row[] {
  const out: Row[] = [];
  for (const { metric, label } of METRICS) {
    for (const size of input.sizes) {
      const of = (system: string, channel: string): Summary =>
        summarize(
          input.samples.filter(
            (x) => x.metric === metric && x.size === size && x.system === system && x.channel === channel,
          ),
        );
      const r = ratio(of(SUBJECT.system, SUBJECT.channel), of(ANCHOR.system, ANCHOR.channel));
      out.push({
        label,
        size,
        cells: input.series.map((s) => cell(of(s.system, s.channel))),
        ratio: r === null ? "-" : r.toFixed(2),
      });
    }
  }
  return out;
}

const RATIO_HEADER = "hearsay/serf";

export function plainTable(input: ReportInput): string {
  const header = ["scenario", "N", ...input.series.map((s) => s.label), RATIO_HEADER];
  const body = rows(input).map((r) => [r.label, String(r.size), ...r.cells, r.ratio]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cols: readonly string[]): string =>
    cols.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    "median ms (min-max) over completed runs; failed = runs that timed out or errored (see the run lines)",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
  ].join("\n");
}

export function markdown(input: ReportInput): string {
  const m = input.machine;
  const header = ["Scenario", "N", ...input.series.map((s) => s.label), RATIO_HEADER];
  const table = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i <= 0 ? "---" : "---:")).join("|")}|`,
    ...rows(input).map((r) => `| ${[r.label, String(r.size), ...r.cells, r.ratio].join(" | ")} |`),
  ];
  return [
    "## Membership on loopback: Hearsay vs Serf",
    "",
    `Measured ${m.date.slice(0, 10)} with \`${input.command}\`.`,
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM, ${m.os}; 1-min load ${m.loadAtStart.toFixed(2)} at start, ${input.loadAtEnd.toFixed(2)} at end`,
    `- Node ${m.node}; ${input.versions.join("; ")}`,
    ...input.parameters.map((p) => `- ${p}`),
    `- Sizes ${input.sizes.join(", ")} agents on 127.0.0.1, all joining the first; ${input.runs} fresh clusters ` +
      "per size and system, Serf and Hearsay clusters interleaved.",
    "",
    table.join("\n"),
    "",
    "Milliseconds: median (min-max) over runs. Times are arrival times in the bench process of each agent's",
    "membership events. Serf (log) = the agent's `serf: EventMember*` log line, written when Serf's state",
    "changes; Serf (rpc) = its msgpack RPC event stream, which the serf agent coalesces (1 s quiet, 3 s at",
    "most); Hearsay (grpc) = the WatchMembers stream, not coalesced. The ratio compares Hearsay with Serf (log).",
    "Join is timed from the first existing agent to see the new one (normally the seed it joined) to the last;",
    "failure from SIGKILL; leave from the signal (Serf SIGINT, Hearsay SIGTERM).",
  ].join("\n");
}

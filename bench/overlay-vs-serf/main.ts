// Hearsay vs Serf membership on loopback (issue #3, "Benchmarks").
//   npm run build && node dist/bench/overlay-vs-serf/main.js [--sizes 16,32] [--runs 5]
//     [--systems serf,hearsay] [--settle-ms 3000] [--timeout-ms 60000] [--json FILE] [--plots DIR]
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { killAllAgents, killAllAgentsNow } from "./agents.js";
import type { DriverFactory, PortPlan } from "./driver.js";
import { hearsayFactory } from "./hearsay-driver.js";
import { describeMachine } from "../common/machine.js";
import { markdown, plainTable, type ReportInput, type Series } from "./report.js";
import { runCluster, type Sample } from "./scenarios.js";
import { serfFactory } from "./serf-driver.js";
import { overlayVsSerfPlots } from "../plots/overlay-vs-serf.js";
import { writePlots } from "../plots/write.js";

const FACTORIES: Record<string, DriverFactory> = { serf: serfFactory, hearsay: hearsayFactory };
const SERIES: readonly Series[] = [
  { system: "serf", channel: "log", label: "serf (log)" },
  { system: "serf", channel: "rpc", label: "serf (rpc)" },
  { system: "hearsay", channel: "grpc", label: "hearsay (grpc)" },
];
/** Port ranges rotate between clusters so late packets of one never reach the next. */
const PORT_BASE = 21_000;
const PORT_SLOTS = 10;
const MAX_SIZE = 100;

function intList(v: string): number[] {
  const xs = v.split(",").map((s) => Number(s.trim()));
  if (xs.some((x) => !Number.isInteger(x) || x < 4 || x > MAX_SIZE)) {
    throw new InvalidArgumentError(`sizes are integers in 4..${MAX_SIZE}`);
  }
  return xs;
}

function positive(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 0) throw new InvalidArgumentError("a non-negative integer");
  return x;
}

function systems(v: string): string[] {
  const xs = v.split(",").map((s) => s.trim());
  for (const x of xs)
    if (!FACTORIES[x]) throw new InvalidArgumentError(`unknown system ${x} (serf, hearsay)`);
  return xs;
}

interface Options {
  sizes: number[];
  runs: number;
  systems: string[];
  settleMs: number;
  timeoutMs: number;
  json?: string;
  plots?: string;
}

function portPlan(cluster: number): PortPlan {
  const gossipBase = PORT_BASE + (cluster % PORT_SLOTS) * 2 * MAX_SIZE;
  return { gossipBase, apiBase: gossipBase + MAX_SIZE };
}

async function main(): Promise<void> {
  const opts = new Command("overlay-vs-serf")
    .option("--sizes <list>", "cluster sizes", intList, [16, 32])
    .option("--runs <n>", "fresh clusters per size and system", positive, 5)
    .option("--systems <list>", "systems to measure", systems, ["serf", "hearsay"])
    .option("--settle-ms <ms>", "quiet time before each scenario", positive, 3_000)
    .option("--timeout-ms <ms>", "bound on each scenario", positive, 60_000)
    .option("--json <file>", "also write the raw numbers here")
    .option("--plots <dir>", "also draw this run's plot (SVG) here")
    .parse()
    .opts<Options>();

  const machine = describeMachine(fileURLToPath(new URL("../../../", import.meta.url)));
  const factories = opts.systems.map((s) => FACTORIES[s]!);
  const versions = await Promise.all(
    factories.map((f) => f.version().catch((e: Error) => `${f.system}: ${e.message}`)),
  );
  console.log(
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}`,
  );
  console.log(versions.join("\n"));
  for (const f of factories) console.log(f.parameters);

  const samples: Sample[] = [];
  let cluster = 0;
  for (let run = 0; run < opts.runs; run++) {
    for (const size of opts.sizes) {
      // Alternate which system goes first so slow drift of the machine hits both alike.
      const order = run % 2 === 0 ? factories : [...factories].reverse();
      for (const f of order) {
        const started = performance.now();
        const { samples: got, phases } = await runCluster(f, size, run, portPlan(cluster++), {
          timeoutMs: opts.timeoutMs,
          settleMs: opts.settleMs,
        });
        samples.push(...got);
        const setup = Object.entries(phases)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ");
        const brief = got
          .filter((s) => s.channel === (f.system === "serf" ? "log" : "grpc"))
          .map((s) => `${s.metric}=${s.ms === null ? "t/o" : Math.round(s.ms)}`)
          .join(" ");
        const secs = ((performance.now() - started) / 1000).toFixed(0);
        console.log(`run ${run + 1}/${opts.runs} N=${size} ${f.system}: ${brief} (${secs} s; ms: ${setup})`);
      }
    }
  }

  const input: ReportInput = {
    machine,
    loadAtEnd: loadavg()[0] ?? 0,
    versions,
    parameters: factories.map((f) => f.parameters),
    command: `node dist/bench/overlay-vs-serf/main.js ${process.argv.slice(2).join(" ")}`.trim(),
    runs: opts.runs,
    sizes: opts.sizes,
    series: SERIES.filter((s) => opts.systems.includes(s.system)),
    samples,
  };
  console.log(`\n${plainTable(input)}\n\n----- Markdown for docs/BENCHMARKS.md -----\n${markdown(input)}`);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(input, null, 2) + "\n");
  if (opts.plots) writePlots(opts.plots, overlayVsSerfPlots(input, opts.json ?? "this run"));
}

let exiting = false;
async function bail(code: number, why: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  console.error(why);
  await killAllAgents();
  process.exit(code);
}

process.on("exit", killAllAgentsNow);
process.on("SIGINT", () => void bail(130, "interrupted; stopping agents"));
process.on("SIGTERM", () => void bail(143, "terminated; stopping agents"));
main().then(
  async () => {
    await killAllAgents();
    process.exit(0);
  },
  (err: unknown) => bail(1, err instanceof Error ? (err.stack ?? err.message) : String(err)),
);

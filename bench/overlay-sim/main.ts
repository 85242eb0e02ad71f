// Simulated and single-process overlay benchmarks of issue 3: join convergence,
// failure detection, idle bandwidth, memory per node, agent RSS.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, USAGE, type Args } from "./args.js";
import { runBandwidth } from "./bandwidth.js";
import { runFailure } from "./failure.js";
import { runJoin } from "./join.js";
import { describeMachine } from "../common/machine.js";
import { runMemory } from "./memory.js";
import { machineLines, markdown, plainTable, type Row } from "./report.js";
import { runRss } from "./rss.js";
import { overlaySimPlots, type OverlaySimJson } from "../plots/overlay-sim.js";
import { writePlots } from "../plots/write.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const NOTES = [
  "Simulated runs: SimNetwork virtual clock, LAN defaults (lanConfig), 1 ms one-way links + U(0, 0.5) ms jitter, datagram loss as stated (streams are reliable). Times are simulated seconds; wall times are in the log.",
  "Converged start: every node's table is loaded with the full member list, all alive (Overlay.preload: no gossip, no events), then the node is restarted, so its gossip queue holds only its own alive message and its first push-pull is staggered over the interval scaled to N, as in a settled cluster; 5 s (join) or 10 s (failure) of simulated settling follow.",
  "Join: N-1 converged nodes, one new node joins through one member; time from join() to the N-1 members' join events. At N <= 10,000, 99.99% of N-1 is all of them.",
  "Join anchor: Serf's convergence simulator (logistic model, 200 ms x fanout 3, 99.99%), computed in this run for each N and loss.",
  "Failure: one crash at a time in a converged cluster, victims one after another; SWIM's expectation e/(e-1) = 1.58 probe periods to first detection; memberlist's bound = suspicion min timeout (4 x max(1, log10 N) x 1 s) + dissemination (Serf model at N). SWIM's 1.58 counts from the start of a synchronized period and is a mean; a crash at a random moment adds ~0.5 period, and a suspicion is raised at the end of the probe's period (as in memberlist).",
  "Bandwidth: UDP payload plus stream frames (push-pull, 4-byte prefix) each node sent, averaged over the window; Serf's 328 kbit/s (1 kbit = 1024 bit) counts 1400-byte gossip packets in and out, so compare sent + received.",
  "Memory: V8 heapUsed after forced GC (node --expose-gc), cluster minus empty process, divided by N; each node holds N member entries, so per node grows with N. With --share-strings all simulated nodes share one copy of each name and address (a separate process holds its own), so 'one node' rows measure a node alone holding an N-member table with its own strings. Rows marked EXTRAPOLATED were not measured.",
];

async function main(a: Args): Promise<void> {
  const machine = describeMachine(ROOT, a.seed);
  const command =
    `node ${process.execArgv.join(" ")} dist/bench/overlay-sim/main.js ${process.argv.slice(2).join(" ")}`.replace(
      /\s+/g,
      " ",
    );
  const log = (line: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  for (const l of machineLines(machine)) log(l);
  const wallLimitMs = a.wallLimitS * 1000;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const timed = async (
    name: string,
    fn: () => Promise<{ rows: Row[]; runs: unknown }> | { rows: Row[]; runs: unknown },
  ): Promise<void> => {
    const t0 = Date.now();
    const r = await fn();
    rows.push(...r.rows);
    raw[name] = { runs: r.runs, wallMs: Date.now() - t0 };
    log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
  };
  const sim = { seed: a.seed, wallLimitMs, log };
  if (a.only.includes("join")) {
    await timed("join", () =>
      runJoin({
        ...sim,
        sizes: a.sizes,
        lossPcts: a.lossPcts,
        runs: a.runs,
        warmupMs: 5000,
        projectTo: 10_000,
        limitMs: 60_000,
        shareCluster: a.shareCluster,
        shareStrings: a.shareStrings,
      }),
    );
  }
  if (a.only.includes("failure")) {
    await timed("failure", () =>
      runFailure({
        ...sim,
        sizes: a.failureSizes,
        seeds: a.failureSeeds,
        crashes: a.crashes,
        warmupMs: 10_000,
        gapMs: 5000,
        limitMs: 120_000,
      }),
    );
  }
  if (a.only.includes("bandwidth")) {
    await timed("bandwidth", () =>
      runBandwidth({ ...sim, nodes: a.bwNodes, warmupMs: 30_000, windowMs: a.bwSeconds * 1000 }, [
        false,
        true,
      ]),
    );
  }
  if (a.only.includes("memory")) {
    await timed("memory", () =>
      runMemory({
        seed: a.seed,
        log,
        sizes: a.memSizes,
        warmupMs: 5000,
        projectTo: 10_000,
        shareStrings: a.shareStrings,
      }),
    );
  }
  if (a.only.includes("rss")) {
    await timed("rss", () =>
      runRss({ root: ROOT, idleMs: a.rssIdleS * 1000, clusterSize: a.clusterAgents, log }),
    );
  }
  console.log(machineLines(machine).join("\n"));
  console.log(plainTable(rows));
  const walls = Object.entries(raw).map(
    ([k, v]) => `${k} ${((v as { wallMs: number }).wallMs / 1000).toFixed(0)} s`,
  );
  const md = markdown(machine, command, rows, [...NOTES, `Wall time on this machine: ${walls.join(", ")}.`]);
  console.log(`\n${md}`);
  if (a.markdown !== null) writeFileSync(a.markdown, `${md}\n`);
  if (a.json !== null)
    writeFileSync(a.json, `${JSON.stringify({ machine, command, args: a, rows, raw }, null, 2)}\n`);
  if (a.plots !== null) {
    const json = { machine, command, rows, raw } as OverlaySimJson;
    writePlots(a.plots, overlaySimPlots(json, a.json ?? "this run"), log);
  }
}

try {
  const a = parse(process.argv.slice(2));
  if ("help" in a) console.log(USAGE);
  else await main(a);
} catch (err) {
  console.error(`overlay-sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exitCode = 1;
}

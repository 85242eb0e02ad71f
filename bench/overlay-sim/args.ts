// Command-line flags: which benchmarks, which sizes, how many runs.
import { parseArgs } from "node:util";

export const BENCHES = ["join", "failure", "bandwidth", "memory", "rss"] as const;
export type Bench = (typeof BENCHES)[number];

export interface Args {
  only: Bench[];
  /** Join convergence cluster sizes (N, counting the joiner). */
  sizes: number[];
  lossPcts: number[];
  /** Runs (seeds) per join case. */
  runs: number;
  failureSizes: number[];
  failureSeeds: number;
  crashes: number;
  bwNodes: number;
  bwSeconds: number;
  memSizes: number[];
  rssIdleS: number;
  clusterAgents: number;
  seed: number;
  /** join: one cluster per (N, seed) for all loss levels (JoinOptions.shareCluster). */
  shareCluster: boolean;
  /** join + memory: one copy of each name/address across simulated nodes (SimClusterOptions.shareStrings). */
  shareStrings: boolean;
  /** Real-time guard per simulated run. */
  wallLimitS: number;
  json: string | null;
  markdown: string | null;
  /** Directory for this run's plots (bench/plots/overlay-sim.ts). */
  plots: string | null;
}

export const USAGE = `usage: node --expose-gc [--max-old-space-size=MB] dist/bench/overlay-sim/main.js [flags]
  --only LIST            ${BENCHES.join(",")} (default: all)
  --sizes LIST           join: cluster sizes N (default 100,1000)
  --loss LIST            join: datagram loss in % (default 0,10,25)
  --runs K               join: seeds per case (default 3)
  --failure-sizes LIST   failure: cluster sizes (default 100,1000)
  --failure-seeds K      failure: clusters per size (default 3)
  --crashes K            failure: crashes per cluster, one after another (default 3)
  --bw-nodes N           bandwidth: cluster size (default 100)
  --bw-seconds S         bandwidth: measured window, simulated (default 180)
  --mem-sizes LIST       memory: sizes (default: the join sizes)
  --rss-idle S           rss: idle time before reading /proc (default 20)
  --cluster-agents K     rss: agents in the loopback cluster, 0 = skip (default 16)
  --seed S               base seed (default 1)
  --share-cluster        join: build one cluster per N and seed, measure each loss level on it in turn
  --share-strings        join, memory: simulated nodes share one copy of each member name and address
                         (what makes N = 10,000 fit; memory then also measures one node with its own copies)
  --wall-limit S         real-time guard per simulated run (default 1800)
  --json FILE            raw results
  --markdown FILE        the docs/BENCHMARKS.md section (also printed)
  --plots DIR            this run's plots (SVG): join and failure detection vs N beside their anchors`;

const list = (s: string): number[] =>
  s
    .split(",")
    .filter((x) => x.trim() !== "")
    .map((x) => {
      const v = Number(x.replaceAll("_", ""));
      if (!Number.isFinite(v) || v < 0) throw new Error(`not a number: ${x}`);
      return v;
    });

function one(s: string | undefined, dflt: number): number {
  if (s === undefined) return dflt;
  const v = list(s)[0];
  if (v === undefined) throw new Error(`not a number: ${s}`);
  return v;
}

export function parse(argv: string[]): Args | { help: true } {
  const str = { type: "string" } as const;
  const { values: v } = parseArgs({
    args: argv,
    options: {
      only: str,
      sizes: str,
      loss: str,
      runs: str,
      "failure-sizes": str,
      "failure-seeds": str,
      crashes: str,
      "bw-nodes": str,
      "bw-seconds": str,
      "mem-sizes": str,
      "rss-idle": str,
      "cluster-agents": str,
      seed: str,
      "wall-limit": str,
      json: str,
      markdown: str,
      plots: str,
      "share-cluster": { type: "boolean" },
      "share-strings": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (v.help === true) return { help: true };
  const only = (v.only?.split(",") ?? [...BENCHES]).map((b) => {
    if (!(BENCHES as readonly string[]).includes(b)) throw new Error(`unknown bench "${b}"`);
    return b as Bench;
  });
  const sizes = v.sizes === undefined ? [100, 1000] : list(v.sizes);
  if (sizes.some((n) => n < 3)) throw new Error("--sizes: N >= 3");
  return {
    only,
    sizes,
    lossPcts: v.loss === undefined ? [0, 10, 25] : list(v.loss),
    runs: one(v.runs, 3),
    failureSizes: v["failure-sizes"] === undefined ? [100, 1000] : list(v["failure-sizes"]),
    failureSeeds: one(v["failure-seeds"], 3),
    crashes: one(v.crashes, 3),
    bwNodes: one(v["bw-nodes"], 100),
    bwSeconds: one(v["bw-seconds"], 180),
    memSizes: v["mem-sizes"] === undefined ? sizes : list(v["mem-sizes"]),
    rssIdleS: one(v["rss-idle"], 20),
    clusterAgents: one(v["cluster-agents"], 16),
    seed: one(v.seed, 1),
    shareCluster: v["share-cluster"] === true,
    shareStrings: v["share-strings"] === true,
    wallLimitS: one(v["wall-limit"], 1800),
    json: v.json ?? null,
    markdown: v.markdown ?? null,
    plots: v.plots ?? null,
  };
}

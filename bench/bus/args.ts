// Command-line flags: which parts, sizes, rates and durations.
import { parseArgs } from "node:util";

export const PARTS = ["sim", "serf", "anchor", "throughput", "latency", "wire", "rss"] as const;
export type Part = (typeof PARTS)[number];

export interface Args {
  only: Set<Part>;
  nodes: number;
  origins: number;
  digests: number;
  simRate: number;
  simFanouts: number[];
  seed: number;
  simWallLimitS: number;
  serfAgents: number;
  serfEvents: number;
  serfSpacingMs: number;
  serfBin: string;
  payload: number;
  batch: number;
  warmupS: number;
  windowS: number;
  idleS: number;
  latencyRate: number;
  latencyS: number;
  latencyDump: string | null;
  rssDigests: number;
  anchorS: number;
  cpuProf: string | null;
  gatewayNodeFlags: string[];
  json: string | null;
  markdown: string | null;
  /** Directory for this run's plots (bench/plots/bus.ts). */
  plots: string | null;
}

export const USAGE = `usage: node dist/bench/bus/main.js [flags]   (run as root for --only wire: nftables)
  --only LIST             ${PARTS.join(",")} (default: all)
 simulated (sim):
  --nodes N               cluster size, all subscribed (default 1000)
  --origins K             publishing nodes (default 5)
  --digests D             digests published in all (default 300)
  --sim-rate R            publishes per simulated second, all origins (default 100)
  --sim-fanouts LIST      extra runs with bus fanout overridden, for comparison (default none)
  --seed S                simulator seed (default 1)
  --sim-wall-limit S      real-time guard of the simulated run (default 900)
 serf anchor (serf):
  --serf-agents K         serf agents on loopback (default 16)
  --serf-events E         user events fired (default 30)
  --serf-spacing MS       pause between events (default 300)
  --serf-bin PATH         (default $SERF_BIN or /usr/bin/serf)
 gateways on loopback (throughput, latency, wire, rss) and the grpc-js anchor (anchor):
  --payload B             digest payload bytes (default 256)
  --batch N               digests per PublishStream request (default 512)
  --warmup S              throughput: warm-up seconds (default 3)
  --window S              throughput: measured seconds (default 10)
  --idle S                wire: idle-overlay baseline seconds (default 10)
  --latency-rate R        latency: paced digests per second (default 5000)
  --latency-seconds S     latency: paced run length (default 10)
  --latency-dump FILE     latency: "send time (epoch ms) latency (ms)" per digest, to line tails up with GC
  --rss-digests N         rss: digests published to fill the retention log (default 100000)
  --anchor-seconds S      anchor: seconds per grpc-js stream measurement (default 3)
  --cpu-prof DIR          run the gateways under node --cpu-prof, profiles in DIR
  --gateway-node-flags=S extra node flags for the gateways, space-separated (e.g. --gateway-node-flags="--trace-gc")
  --json FILE             raw results
  --markdown FILE         the docs/BENCHMARKS.md section (also printed)
  --plots DIR             this run's plots (SVG): latency CDFs, throughput beside the grpc-js anchor`;

function num(s: string | undefined, dflt: number, name: string): number {
  if (s === undefined) return dflt;
  const v = Number(s.replaceAll("_", ""));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: not a number: ${s}`);
  return v;
}

export function parse(argv: string[]): Args | { help: true } {
  const str = { type: "string" } as const;
  const names = [
    "only",
    "nodes",
    "origins",
    "digests",
    "sim-rate",
    "sim-fanouts",
    "seed",
    "sim-wall-limit",
    "serf-agents",
    "serf-events",
    "serf-spacing",
    "serf-bin",
    "payload",
    "batch",
    "warmup",
    "window",
    "idle",
    "latency-rate",
    "latency-seconds",
    "latency-dump",
    "rss-digests",
    "anchor-seconds",
    "cpu-prof",
    "gateway-node-flags",
    "json",
    "markdown",
    "plots",
  ];
  const { values: v } = parseArgs({
    args: argv,
    options: { ...Object.fromEntries(names.map((n) => [n, str])), help: { type: "boolean", short: "h" } },
  }) as { values: Record<string, string | boolean | undefined> };
  if (v.help === true) return { help: true };
  const s = (k: string): string | undefined => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  const only = new Set(
    (s("only")?.split(",") ?? [...PARTS]).map((p) => {
      if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: unknown part "${p}"`);
      return p as Part;
    }),
  );
  const a: Args = {
    only,
    nodes: num(s("nodes"), 1000, "nodes"),
    origins: num(s("origins"), 5, "origins"),
    digests: num(s("digests"), 300, "digests"),
    simRate: num(s("sim-rate"), 100, "sim-rate"),
    simFanouts: (s("sim-fanouts") ?? "")
      .split(",")
      .filter((x) => x !== "")
      .map((x) => num(x, 3, "sim-fanouts")),
    seed: num(s("seed"), 1, "seed"),
    simWallLimitS: num(s("sim-wall-limit"), 900, "sim-wall-limit"),
    serfAgents: num(s("serf-agents"), 16, "serf-agents"),
    serfEvents: num(s("serf-events"), 30, "serf-events"),
    serfSpacingMs: num(s("serf-spacing"), 300, "serf-spacing"),
    serfBin: s("serf-bin") ?? process.env.SERF_BIN ?? "/usr/bin/serf",
    payload: num(s("payload"), 256, "payload"),
    batch: num(s("batch"), 512, "batch"),
    warmupS: num(s("warmup"), 3, "warmup"),
    windowS: num(s("window"), 10, "window"),
    idleS: num(s("idle"), 10, "idle"),
    latencyRate: num(s("latency-rate"), 5000, "latency-rate"),
    latencyS: num(s("latency-seconds"), 10, "latency-seconds"),
    latencyDump: s("latency-dump") ?? null,
    rssDigests: num(s("rss-digests"), 100_000, "rss-digests"),
    anchorS: num(s("anchor-seconds"), 3, "anchor-seconds"),
    cpuProf: s("cpu-prof") ?? null,
    gatewayNodeFlags: (s("gateway-node-flags") ?? "").split(" ").filter((f) => f !== ""),
    json: s("json") ?? null,
    markdown: s("markdown") ?? null,
    plots: s("plots") ?? null,
  };
  if (a.nodes < 2 || a.origins < 1 || a.origins > a.nodes)
    throw new Error("--nodes >= 2, 1 <= --origins <= --nodes");
  if (a.serfAgents < 2) throw new Error("--serf-agents >= 2");
  if (a.payload < 16) throw new Error("--payload >= 16 (the send time is stamped in it)");
  if (a.batch < 1 || a.batch > 1024) throw new Error("--batch 1..1024 (the gateway's maxBatchDigests)");
  return a;
}

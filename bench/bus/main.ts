// Digest-bus benchmarks (issue 4): simulated dissemination latency at N nodes
// against Serf user events on loopback, and three real gateways on loopback
// (throughput, paced latency, bytes per digest per hop, RSS) beside the raw
// grpc-js stream rate. See README.md.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, USAGE, type Args } from "./args.js";
import { idleTraffic, pacedLatency, retentionRss, throughput } from "./gateway-bench.js";
import { measureGrpcStreams } from "./grpc-anchor.js";
import { startLoopbackCluster, type LoopbackCluster } from "./loopback-cluster.js";
import { describeMachine, load1 } from "./machine.js";
import { NftCounters } from "./nft.js";
import { killAll, killAllNow } from "./processes.js";
import { machineLines, markdown, plainTable, type Row } from "./report.js";
import {
  anchorRows,
  latencyRows,
  rssRows,
  serfRows,
  simRows,
  throughputRows,
  wireRows,
  type Results,
} from "./rows.js";
import { runSerfEvents } from "./serf-events.js";
import { runSimLatency } from "./sim-latency.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";
import { busPlots } from "../plots/bus.js";
import { writePlots } from "../plots/write.js";

// dist/bench/bus/main.js -> repository root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const log = (m: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
let nft: NftCounters | null = null;

async function part(res: Results, name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (err) {
    res.errors[name] = (err as Error).message;
    log(`${name} FAILED: ${(err as Error).message}`);
  }
}

function runSim(a: Args, res: Results): void {
  const base = {
    nodes: a.nodes,
    origins: a.origins,
    digests: a.digests,
    ratePerS: a.simRate,
    payloadBytes: a.payload,
    seed: a.seed,
    settleMs: 2_000,
    tailMs: 30_000,
    wallLimitMs: a.simWallLimitS * 1000,
    log,
  };
  res.sim = runSimLatency(base);
  log(
    `sim: p50 ${res.sim.latencyMs.p50.toFixed(1)} ms, p99 ${res.sim.latencyMs.p99.toFixed(1)} ms (simulated)`,
  );
  for (const fanout of a.simFanouts) {
    res.simVariants.push({ fanout, result: runSimLatency({ ...base, bus: { fanout } }) });
  }
}

async function runGateways(a: Args, res: Results): Promise<void> {
  const flags = [
    ...(a.cpuProf === null ? [] : ["--cpu-prof", `--cpu-prof-dir=${a.cpuProf}`]),
    ...a.gatewayNodeFlags,
  ];
  const c: LoopbackCluster = await startLoopbackCluster(ROOT, a.payload, flags, log);
  try {
    if (a.only.has("wire")) {
      nft = new NftCounters(c.gossipPorts[0], c.gossipPorts[1]);
      res.idle = { seconds: a.idleS, traffic: await idleTraffic(nft, a.idleS), load: load1() };
    }
    if (a.only.has("rss")) {
      res.rss = await retentionRss(c, {
        digests: a.rssDigests,
        batch: a.batch,
        payloadBytes: a.payload,
        settleMs: 3_000,
      });
      log(`rss: g1 VmRSS ${((res.rss.after[0]?.rss ?? 0) / 2 ** 20).toFixed(1)} MiB`);
    }
    if (a.only.has("throughput") || a.only.has("wire")) {
      res.throughput = await throughput(c, {
        batch: a.batch,
        payloadBytes: a.payload,
        warmupS: a.warmupS,
        windowS: a.windowS,
        nft,
      });
      log(`throughput: ${res.throughput.deliveredPerS.toFixed(0)} digests/s delivered`);
    }
    if (a.only.has("latency")) {
      res.latency = await pacedLatency(c, {
        ratePerS: a.latencyRate,
        seconds: a.latencyS,
        payloadBytes: a.payload,
        skipFirstMs: 1_000,
        dumpFile: a.latencyDump,
      });
      log(`latency: p99 ${res.latency.latencyMs.p99.toFixed(2)} ms`);
    }
  } finally {
    nft?.remove();
    nft = null;
    await c.close();
  }
}

function rowsOf(a: Args, res: Results): Row[] {
  const rows: Row[] = [];
  if (res.sim) rows.push(...simRows(res.sim, res.serf));
  for (const v of res.simVariants) rows.push(...simRows(v.result, res.serf, ` fanout=${v.fanout}`));
  if (res.serf) rows.push(...serfRows(res.serf, res.serfLoad));
  if (res.anchor) rows.push(...anchorRows(res.anchor, res.anchorLoad));
  const small = res.anchor?.find((s) => s.messageBytes === a.payload);
  if (res.throughput && a.only.has("throughput"))
    rows.push(...throughputRows(res.throughput, a.batch, small));
  if (res.latency) rows.push(...latencyRows(res.latency));
  if (res.throughput && a.only.has("wire")) rows.push(...wireRows(res.throughput, res.idle, a.payload));
  if (res.rss) rows.push(...rssRows(res.rss));
  return rows;
}

const NOTES = [
  "sim: SimNetwork virtual clock, 1 ms one-way links + U(0, 0.5) ms jitter, no loss; LAN overlay defaults, bus defaults (fanout max(3, ceil(ln(N + 1)) + 1) = 8 at N = 1,000, linger 0 = the end of the event-loop turn, anti-entropy 300 ms); every node subscribed; the cluster starts converged (members and interest seeded, gossip queues empty). Latency per (digest, node) pair, origin excluded, in SIMULATED ms.",
  "serf: real `serf agent -profile=lan` processes on 127.0.0.1, all joined to the first; `event` RPC with Coalesce=false at agent 1; latency = arrival on each other agent's RPC user-event stream - send of the command, REAL ms. The sim/serf ratio compares a simulation with real processes: it shows the dissemination design (eager push vs gossip ticks), not a like-for-like machine measurement.",
  `gateways: \`node ${GATEWAY_NODE_FLAGS.join(" ")} bin/hearsay.js agent --profile local\` x 3 on 127.0.0.1 (in-memory retention log, defaults), all sharing the 2 cores with the bench process (and other work, see load); publisher at g1 (PublishStream, pre-encoded batches, one call per 64 batches, write() backpressure honoured: drain, or finish for a call just ended), subscriber at g2 (Subscribe, responses walked, not decoded); CPU per digest = process CPU time in the window / digests delivered (less sensitive to other load than digests/s); latency is stamped in the payload by the same process that receives it.`,
  "wire: nftables counters on the output hook: UDP between the two gossip ports, TCP to/from either gossip listener (includes g3's push-pull, removed with the idle baseline); IP + UDP/TCP headers included; divided by digests delivered in the window.",
  "grpc-js anchor: one in-process server + client over loopback, raw-bytes methods (no protobuf), write() honouring backpressure; the ceiling of ONE stream on this machine, for scale.",
];

async function main(): Promise<void> {
  const parsed = parse(process.argv.slice(2));
  if ("help" in parsed) return void console.log(USAGE);
  const a = parsed;
  const loadAtStart = load1();
  const machine = describeMachine(ROOT, a.seed, a.serfBin);
  const res: Results = { simVariants: [], errors: {} };
  if (a.only.has("sim")) await part(res, "sim", () => runSim(a, res));
  if (a.only.has("serf")) {
    await part(res, "serf", async () => {
      res.serf = await runSerfEvents({
        serfBin: a.serfBin,
        agents: a.serfAgents,
        events: a.serfEvents,
        spacingMs: a.serfSpacingMs,
        payloadBytes: 64,
        log,
      });
      res.serfLoad = load1();
    });
  }
  if (a.only.has("anchor")) {
    await part(res, "anchor", async () => {
      res.anchor = await measureGrpcStreams([a.payload, a.batch * (a.payload + 24)], a.anchorS);
      res.anchorLoad = load1();
    });
  }
  if (["throughput", "latency", "wire", "rss"].some((p) => a.only.has(p as never))) {
    await part(res, "gateways", () => runGateways(a, res));
  }
  const rows = rowsOf(a, res);
  const head = machineLines(machine, loadAtStart, load1());
  const command = `node ${["dist/bench/bus/main.js", ...process.argv.slice(2)].join(" ")}`;
  const errors = Object.entries(res.errors).map(([k, v]) => `FAILED ${k}: ${v.split("\n")[0]}`);
  console.log([...head, "", plainTable(rows), ...errors].join("\n"));
  const md = markdown(head, command, rows, [...NOTES, ...errors]);
  console.log(`\n${md}`);
  if (a.markdown !== null) writeFileSync(a.markdown, `${md}\n`);
  if (a.json !== null)
    writeFileSync(a.json, JSON.stringify({ machine, command, loadAtStart, rows, results: res }, null, 2));
  if (a.plots !== null)
    writePlots(
      a.plots,
      busPlots({ machine, command, loadAtStart, results: res }, a.json ?? "this run", a.payload),
      log,
    );
  if (Object.keys(res.errors).length > 0) process.exitCode = 1;
}

process.on("exit", () => {
  killAllNow();
  nft?.remove();
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping every agent`);
    nft?.remove();
    void killAll().finally(() => process.exit(130));
  });
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => void killAll());

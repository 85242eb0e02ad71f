// TypeScript SDK benchmark (issue #5): publish at gateway 1, subscribe at
// gateway 2 (two real agents on loopback), through the SDK's batching
// publisher (PublishStream), unary Publish, and the Thrift transport.
// Flat-out throughput for a bounded count, then p50/p99 publish-to-delivery
// latency at a paced rate. Run: node dist/bench/sdk-typescript/main.js --help
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { connect } from "../../src/sdk/index.js";
import { describeMachine, load1 } from "../common/machine.js";
import { cdfOf, type Cdf } from "../common/plot.js";
import { round, summarize, type Summary } from "../common/stats.js";
import { sdkTypescriptPlots } from "../plots/sdk-typescript.js";
import { writePlots } from "../plots/write.js";
import { BLOB_PROTO, BLOB_TYPE } from "./blob.js";
import { type Agent, startAgent, stopAll } from "./gateways.js";
import { grpcReceiver, type Receiver, thriftReceiver } from "./receivers.js";
import { type Sender, streamSender, thriftSender, unarySender } from "./senders.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

interface Options {
  count: number;
  unaryCount: number;
  payloadBytes: number;
  rate: number;
  latencyS: number;
  markdown: string;
  json: string | null;
  plots: string | null;
}

const USAGE = `usage: node dist/bench/sdk-typescript/main.js [flags]
  --count N         digests per throughput run (default 100000)
  --unary-count N   digests for the unary Publish throughput run (default 20000)
  --payload B       payload bytes (default 256)
  --rate R          paced latency run, digests/s (default 5000)
  --latency-s S     paced latency run length (default 10)
  --markdown FILE   also write the Markdown table (default bench/sdk-typescript/RESULTS.md)
  --json FILE       also write the raw results (with each case's latency CDF)
  --plots DIR       also draw this run's plots (SVG): throughput and latency CDFs per transport`;

function options(argv: string[]): Options {
  const o: Options = {
    count: 100_000,
    unaryCount: 20_000,
    payloadBytes: 256,
    rate: 5_000,
    latencyS: 10,
    markdown: join(ROOT, "bench/sdk-typescript/RESULTS.md"),
    json: null,
    plots: null,
  };
  const num = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`${flag}: an integer ${min}-${max}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else if (k === "--count") o.count = num(k, v, 1, 10_000_000);
    else if (k === "--unary-count") o.unaryCount = num(k, v, 1, 1_000_000);
    else if (k === "--payload") o.payloadBytes = num(k, v, 8, 16_000);
    else if (k === "--rate") o.rate = num(k, v, 1, 1_000_000);
    else if (k === "--latency-s") o.latencyS = num(k, v, 1, 600);
    else if (k === "--markdown" && v) o.markdown = v;
    else if (k === "--json" && v) o.json = v;
    else if (k === "--plots" && v) o.plots = v;
    else throw new Error(`unknown flag ${k}\n${USAGE}`);
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitReceived(r: Receiver, target: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (r.received < target && Date.now() < end) await sleep(2);
  return r.received >= target;
}

interface Row {
  transport: string;
  throughputPerS: number;
  complete: boolean;
  latency: Summary;
  latencyCdfMs: Cdf;
  gaps: number;
  cpuPct: number;
  load: number;
}

/** Flat out: `count` digests, timed from the first publish until the subscriber has them all. */
async function throughput(
  s: Sender,
  r: Receiver,
  count: number,
  size: number,
): Promise<{ perS: number; complete: boolean }> {
  await s.send(Math.min(2_000, count), size); // warm-up
  await waitReceived(r, Math.min(2_000, count), 30_000);
  const base = r.received;
  const t0 = performance.now();
  await s.send(count, size);
  const complete = await waitReceived(r, base + count, 120_000);
  const s_ = (performance.now() - t0) / 1000;
  return { perS: (r.received - base) / s_, complete };
}

/**
 * Paced: `rate`/s in 1 ms ticks for `seconds`, as a steady application publishes
 * (no flush per tick, no waiting for acknowledgements); latencies recorded at the receiver.
 */
async function latency(
  s: Sender,
  r: Receiver,
  rate: number,
  seconds: number,
  size: number,
): Promise<Summary> {
  const base = r.received;
  r.latencies = [];
  r.recording = true;
  const t0 = performance.now();
  let sent = 0;
  const total = rate * seconds;
  const accepted: Array<Promise<void>> = [];
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    if (due > sent) {
      accepted.push(s.send(due - sent, size, false));
      sent = due;
    }
    await sleep(1);
  }
  await Promise.all(accepted);
  await waitReceived(r, base + total, 30_000);
  r.recording = false;
  return summarize(r.latencies);
}

async function run(o: Options): Promise<void> {
  const machine = describeMachine(ROOT, 0, "serf");
  console.error(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, load ${load1()}`);
  const agents: Agent[] = [];
  const rows: Row[] = [];
  try {
    agents.push(await startAgent(ROOT, "sdk-b1", null));
    agents.push(await startAgent(ROOT, "sdk-b2", agents[0]!.gossip));
    const [g1, g2] = agents as [Agent, Agent];
    const c = connect({ address: g1.grpc });
    await c.registerTypeFromSource(BLOB_TYPE, { "bench/sdk/blob.proto": BLOB_PROTO }, "proto");
    c.close();
    const c2 = connect({ address: g2.grpc });
    for (let i = 0; i < 100; i++) {
      if ((await c2.listTypes()).some((t) => t.name === BLOB_TYPE)) break;
      await sleep(100);
    }
    c2.close();
    const cases: Array<[string, () => Sender, () => Receiver, number]> = [
      ["gRPC, PublishStream", () => streamSender(g1.grpc), () => grpcReceiver(g2.grpc), o.count],
      [
        "gRPC, unary Publish (64 in flight)",
        () => unarySender(g1.grpc),
        () => grpcReceiver(g2.grpc),
        o.unaryCount,
      ],
      [
        "Thrift, publishBatch + poll",
        () => thriftSender(g1.thrift),
        () => thriftReceiver(g2.thrift),
        o.count,
      ],
    ];
    for (const [transport, mkSender, mkReceiver, count] of cases) {
      console.error(`${transport}: throughput (${count} digests) ...`);
      const r = mkReceiver();
      await r.started;
      await sleep(300);
      const s = mkSender();
      const cpu0 = process.cpuUsage();
      const w0 = performance.now();
      const t = await throughput(s, r, count, o.payloadBytes);
      const used = process.cpuUsage(cpu0);
      const cpuPct = ((used.user + used.system) / 1000 / (performance.now() - w0)) * 100;
      console.error(`${transport}: latency at ${o.rate}/s for ${o.latencyS} s ...`);
      const lat = await latency(s, r, o.rate, o.latencyS, o.payloadBytes);
      rows.push({
        transport,
        throughputPerS: t.perS,
        complete: t.complete,
        latency: lat,
        latencyCdfMs: cdfOf(r.latencies),
        gaps: r.gaps,
        cpuPct,
        load: load1(),
      });
      await s.close();
      await r.stop();
    }
  } finally {
    await stopAll(agents);
  }
  const md = [
    `### TypeScript SDK: publish at gateway 1 -> subscribe at gateway 2 (${o.payloadBytes}-byte payloads)`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; node ${machine.node}, ` +
      `grpc-js ${machine.grpcJs}, hearsay ${machine.hearsay}; ${machine.date}.`,
    "Two `hearsay agent` processes (profile local) on loopback; the benchmark process runs publisher and subscriber.",
    "",
    `| transport | throughput (digests/s) | all delivered | p50 latency at ${o.rate}/s (ms) | p99 (ms) | max (ms) | gaps | bench CPU (% of a core, throughput run) | load |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.transport} | ${Math.round(r.throughputPerS).toLocaleString("en-US")} | ${r.complete ? "yes" : "NO"} | ` +
        `${round(r.latency.p50)} | ${round(r.latency.p99)} | ${round(r.latency.max)} | ${r.gaps} | ${Math.round(r.cpuPct)} | ${r.load} |`,
    ),
    "",
  ].join("\n");
  console.log(md);
  writeFileSync(o.markdown, md);
  const command = `node dist/bench/sdk-typescript/main.js ${process.argv.slice(2).join(" ")}`.trim();
  const { count, unaryCount, payloadBytes, rate, latencyS } = o;
  const json = { machine, command, options: { count, unaryCount, payloadBytes, rate, latencyS }, rows };
  if (o.json !== null) writeFileSync(o.json, JSON.stringify(json, null, 2) + "\n");
  if (o.plots !== null) writePlots(o.plots, sdkTypescriptPlots(json, o.json ?? "this run"));
}

run(options(process.argv.slice(2))).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`sdk-typescript bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);

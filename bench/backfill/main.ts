// Backfill benchmark (issue 15): the cost of history from any gateway. A late
// subscriber at gateway B catches up on 100,000 digests retained at a remote
// origin A (real gateways on loopback), beside a JetStream replay of the same
// messages by a new consumer at a server that does not hold the stream. See README.md.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { describeMachine, load1 } from "../common/machine.js";
import { killAll, killAllNow } from "../bus/processes.js";
import { markdown, plainTable, type Row } from "../bus/report.js";
import { natsReplay, natsVersion, type NatsReplayResult } from "./nats-anchor.js";
import { caseRows, counterNotes } from "./rows.js";
import { CASES, type CaseName, type CaseResult, runCase } from "./scenarios.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

// dist/bench/backfill/main.js -> repository root
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const log = (m: string): void => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
const TITLE = "## Backfill: a late subscriber catching up from a remote origin (bench/backfill)";

const USAGE = `usage: node dist/bench/backfill/main.js [flags]
  --digests N        digests retained at the origin A (default 100000: the default retention)
  --payloads LIST    payload bytes, one run per size (default 100,1024)
  --cases LIST       ${CASES.join(",")} (default all)
  --gateways N       gateways on loopback, >= 2: g1 = A, g2 = B (default 2)
  --limit-s S        a catch-up not done in S seconds is reported as such (default 120)
  --idle-s S         idle CPU baseline of A and B before publishing (default 3)
  --consumer-rate R  the late subscriber takes at most R digests/s (a slow consumer; default 0 = as fast as it can)
  --nats-bin PATH    nats-server for the JetStream anchor (default $NATS_SERVER_BIN or nats-server; absent = no anchor)
  --no-anchor        skip the JetStream anchor
  --cli-agent        run gateways as bin/hearsay.js agent (no counters) instead of dist/bench/backfill/agent.js
  --json FILE        raw results
  --markdown FILE    the docs/BENCHMARKS.md section (also printed)`;

interface Args {
  digests: number;
  payloads: number[];
  cases: CaseName[];
  gateways: number;
  limitS: number;
  idleS: number;
  consumerRate: number;
  natsBin: string;
  anchor: boolean;
  cliAgent: boolean;
  json: string | null;
  markdown: string | null;
}

function parse(argv: string[]): Args | null {
  const s = { type: "string" } as const;
  const b = { type: "boolean" } as const;
  const { values: v } = parseArgs({
    args: argv,
    options: {
      digests: s,
      payloads: s,
      cases: s,
      gateways: s,
      "limit-s": s,
      "idle-s": s,
      "consumer-rate": s,
      "nats-bin": s,
      "no-anchor": b,
      "cli-agent": b,
      json: s,
      markdown: s,
      help: { ...b, short: "h" },
    },
  });
  if (v.help === true) return null;
  const num = (x: string | undefined, d: number, name: string, min: number, max: number): number => {
    const n = x === undefined ? d : Number(x.replaceAll("_", ""));
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name}: an integer ${min}-${max}, got ${x}`);
    return n;
  };
  const cases = (v.cases?.split(",") ?? [...CASES]).map((c) => {
    if (!(CASES as readonly string[]).includes(c)) throw new Error(`--cases: unknown case "${c}"`);
    return c as CaseName;
  });
  return {
    digests: num(v.digests, 100_000, "digests", 2, 10_000_000),
    payloads: (v.payloads ?? "100,1024").split(",").map((p) => num(p, 100, "payloads", 16, 65_536)),
    cases,
    gateways: num(v.gateways, 2, "gateways", 2, 16),
    limitS: num(v["limit-s"], 120, "limit-s", 1, 3_600),
    idleS: num(v["idle-s"], 3, "idle-s", 1, 60),
    consumerRate: num(v["consumer-rate"], 0, "consumer-rate", 0, 10_000_000),
    natsBin: v["nats-bin"] ?? process.env.NATS_SERVER_BIN ?? "nats-server",
    anchor: v["no-anchor"] !== true,
    cliAgent: v["cli-agent"] === true,
    json: v.json ?? null,
    markdown: v.markdown ?? null,
  };
}

function notes(a: Args, nv: string | null): string[] {
  const agent = a.cliAgent
    ? "`bin/hearsay.js agent`"
    : "`dist/bench/backfill/agent.js` (startAgent, as `hearsay agent` runs it, plus its counters printed on SIGUSR2: the gateway exposes no metrics endpoint)";
  return [
    `gateways: ${a.gateways} x \`node ${GATEWAY_NODE_FLAGS.join(" ")}\` ${agent}, --profile local, in-memory retention log, bus defaults (maxSyncDigests 4,096, maxSyncBytes 4 MiB, maxConcurrentSyncs 8, maxConcurrentBackfills 4; retention 100,000 digests / 256 MiB / 1 h), all on 127.0.0.1 sharing the cores with the bench process (and other work, see load).`,
    `publish: ${a.digests.toLocaleString("en-US")} bench.Blob digests at A (PublishStream, batches of 512), nobody subscribed anywhere (repair) or a "latest" subscriber at B from the midpoint, 2 s after it started (backfill cases: B then holds the second half only). Then the TypeScript SDK subscribes at B: \`start: "earliest"\` (repair, backfill-earliest) or \`resumeFrom\` a cursor at A's stream sequence 0 with A's epoch (backfill). Times run from the subscribe() call; CPU is user+sys from /proc/PID/stat over the same span, % = CPU s / wall s.`,
    ...(a.consumerRate > 0
      ? [
          `consumer paced: the late subscriber takes at most ${a.consumerRate.toLocaleString("en-US")} digests/s (--consumer-rate), a slow consumer.`,
        ]
      : []),
    "repair: B never held the stream: discovery, seek, anti-entropy repair into B's log, delivery from it. backfill / backfill-earliest: below B's floor, per-subscription backfill reads from A straight into the subscription's queue (src/bus/backfill.ts), then B's own log.",
    nv === null
      ? "JetStream anchor: not measured (no nats-server on this machine; Debian's `nats-server` package has it)."
      : `JetStream anchor: ${nv}, two servers in one cluster on 127.0.0.1 (s1 holds a memory stream, R1, placed by tag; s2 never held it); the same count and payload published at s1 with acks; a new ephemeral push consumer (deliver all, ack none, instant replay, flow control) created through s2, its messages counted by the bench's minimal NATS client (bench/backfill/nats.ts). Its "origin" is s1, its "B" is s2.`,
  ];
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  if (a === null) return void console.log(USAGE);
  const loadAtStart = load1();
  const machine = describeMachine(ROOT);
  const nv = a.anchor ? natsVersion(a.natsBin) : null;
  const cases: CaseResult[] = [];
  const anchors: NatsReplayResult[] = [];
  const errors: string[] = [];
  for (const payloadBytes of a.payloads) {
    for (const name of a.cases) {
      try {
        cases.push(
          await runCase(
            name,
            {
              root: ROOT,
              gateways: a.gateways,
              digests: a.digests,
              payloadBytes,
              limitMs: a.limitS * 1000,
              idleS: a.idleS,
              consumerRate: a.consumerRate,
              cliAgent: a.cliAgent,
              log,
            },
            load1,
          ),
        );
      } catch (err) {
        errors.push(`FAILED ${name} ${payloadBytes} B: ${(err as Error).message.split("\n")[0]}`);
        log(errors[errors.length - 1] as string);
      }
    }
    if (nv !== null) {
      try {
        const n = await natsReplay(a.natsBin, a.digests, payloadBytes, a.limitS * 1000, log);
        anchors.push(n);
        log(`nats: replay ${n.outcome}, ${n.received} in ${n.lastS?.toFixed(2) ?? "-"} s`);
      } catch (err) {
        errors.push(`FAILED JetStream anchor ${payloadBytes} B: ${(err as Error).message.split("\n")[0]}`);
        log(errors[errors.length - 1] as string);
      }
    }
  }
  const rows: Row[] = [];
  for (const c of cases)
    rows.push(
      ...caseRows(
        c,
        anchors.find((n) => n.payloadBytes === c.payloadBytes),
      ),
    );
  for (const n of anchors) rows.push(...anchorRows(n));
  const head = [
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}`,
    `1-minute load ${loadAtStart.toFixed(2)} at start, ${load1().toFixed(2)} at end (per-row load beside each figure)`,
    `node ${machine.node}, hearsay ${machine.hearsay}, @grpc/grpc-js ${machine.grpcJs}, ${nv ?? "nats-server absent"}`,
    `date ${machine.date}`,
  ];
  const command = `node ${["dist/bench/backfill/main.js", ...process.argv.slice(2)].join(" ")}`;
  console.log([...head, "", plainTable(rows), ...errors].join("\n"));
  // bench/bus/report.ts's table, under this program's own heading.
  const md = markdown(head, command, rows, [...notes(a, nv), ...counterNotes(cases), ...errors]).replace(
    /^## .*$/m,
    TITLE,
  );
  console.log(`\n${md}`);
  if (a.markdown !== null) writeFileSync(a.markdown, `${md}\n`);
  if (a.json !== null)
    writeFileSync(
      a.json,
      JSON.stringify(
        { machine, command, loadAtStart, rows, cases, anchors, errors },
        (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x),
        2,
      ),
    );
  if (errors.length > 0 || cases.some((c) => c.catchUp.outcome !== "ok")) process.exitCode = 1;
}

function anchorRows(n: NatsReplayResult): Row[] {
  const base = { bench: "anchor", case: `JetStream replay, ${n.payloadBytes} B`, anchorName: "" };
  return [
    { ...base, metric: "consumer create -> first message", value: n.firstS, unit: "s" },
    {
      ...base,
      metric: `consumer create -> ${n.count.toLocaleString("en-US")}th message`,
      value: n.lastS,
      unit: "s",
      note: `${n.outcome}; ${n.received} received; publish with acks took ${n.publishS.toFixed(2)} s`,
    },
    { ...base, metric: "origin s1 CPU (user+sys)", value: n.cpu.origin, unit: "s" },
    { ...base, metric: "consumer's server s2 CPU (user+sys)", value: n.cpu.local, unit: "s" },
  ];
}

process.on("exit", () => killAllNow());
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    log(`${sig}: stopping every process`);
    void killAll().finally(() => process.exit(130));
  });
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  // Exit explicitly: bench/bus's Publisher.finish leaves its bound's timer running (up to 120 s here).
  .finally(() => void killAll().finally(() => process.exit()));

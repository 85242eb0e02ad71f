// The anchor: NATS JetStream, the same question asked of it in the same run.
// Two nats-server processes on loopback in one cluster (s1 = the origin,
// holding a memory stream of `count` messages, R1, placed by tag; s2 = where
// the late consumer connects, which never held the stream); a new ephemeral
// push consumer (deliver all, ack none, instant replay, flow control) at s2
// replays the stream. Time to the count-th message, CPU of both servers.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Child } from "../bus/processes.js";
import { freePort, retry, sleep } from "../bus/wait.js";
import { NatsConn, type NatsMsg } from "./nats.js";

const CLK_TCK = 100;
/** Publishes awaiting their JetStream ack at once. */
const PUBLISH_WINDOW = 4_096;
const STREAM = "backfill";
const SUBJECT = "backfill.data";

export interface NatsReplayResult {
  version: string;
  count: number;
  payloadBytes: number;
  received: number;
  publishS: number;
  /** Seconds from the consumer-create request to the first and to the count-th message. */
  firstS: number | null;
  lastS: number | null;
  cpu: { origin: number; local: number; bench: number; wallS: number };
  localRssEnd: number;
  outcome: "ok" | "timeout";
}

export function natsVersion(bin: string): string | null {
  try {
    return execFileSync(bin, ["--version"], { encoding: "utf8", timeout: 5_000 }).trim();
  } catch {
    return null;
  }
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function serverConfig(
  name: string,
  port: number,
  cport: number,
  peer: number,
  dir: string,
  tag: string,
): string {
  return [
    `server_name: ${name}`,
    `host: 127.0.0.1`,
    `port: ${port}`,
    `server_tags: ["${tag}"]`,
    `jetstream { store_dir: "${dir}", max_memory_store: 2147483648, max_file_store: 1073741824 }`,
    `cluster { name: bench, host: 127.0.0.1, port: ${cport}, routes: ["nats-route://127.0.0.1:${peer}"] }`,
  ].join("\n");
}

export async function natsReplay(
  bin: string,
  count: number,
  payloadBytes: number,
  limitMs: number,
  log: (m: string) => void,
): Promise<NatsReplayResult> {
  const version = natsVersion(bin) ?? "?";
  const dir = mkdtempSync(join(tmpdir(), "hearsay-bench-nats-"));
  const [p1, p2, c1, c2] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const servers: Child[] = [];
  const conns: NatsConn[] = [];
  try {
    for (const [name, port, cport, peer, tag] of [
      ["s1", p1, c1, c2, "origin"],
      ["s2", p2, c2, c1, "late"],
    ] as const) {
      const conf = join(dir, `${name}.conf`);
      writeFileSync(conf, serverConfig(name, port, cport, peer, join(dir, name), tag));
      servers.push(new Child({ name: `nats-${name}`, command: bin, args: ["-c", conf] }));
    }
    const [s1, s2] = servers as [Child, Child];
    const origin = await retry("nats s1", () => NatsConn.open(p1, 1_000), 20_000, 200);
    conns.push(origin);
    const late = await retry("nats s2", () => NatsConn.open(p2, 1_000), 20_000, 200);
    conns.push(late);
    // The JetStream meta group needs a leader before any stream can be made.
    await retry(
      "JetStream ready",
      async () => {
        const r = JSON.parse(
          (
            await origin.request(
              `$JS.API.STREAM.CREATE.${STREAM}`,
              JSON.stringify({
                name: STREAM,
                subjects: [SUBJECT],
                storage: "memory",
                num_replicas: 1,
                placement: { tags: ["origin"] },
                max_msgs: -1,
                max_bytes: -1,
              }),
              2_000,
            )
          ).toString(),
        ) as { error?: { description?: string } };
        if (r.error) throw new Error(r.error.description ?? "stream create failed");
      },
      30_000,
      500,
    );
    const publishS = await publishAcked(origin, count, payloadBytes, limitMs);
    log(`nats: ${count} x ${payloadBytes} B in the stream at s1 in ${publishS.toFixed(2)} s (${version})`);
    await sleep(1_000);
    return await replay(late, s1, s2, count, payloadBytes, limitMs, version, publishS);
  } finally {
    for (const c of conns) c.close();
    await Promise.all(servers.map((s) => s.stop("SIGTERM")));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function publishAcked(
  c: NatsConn,
  count: number,
  payloadBytes: number,
  limitMs: number,
): Promise<number> {
  const t0 = performance.now();
  const payload = Buffer.alloc(payloadBytes, 0x2a);
  let acked = 0;
  let wake: (() => void) | null = null;
  c.sub("_BENCH_ACK", () => {
    acked++;
    wake?.();
  });
  for (let sent = 0; sent < count; sent++) {
    while (sent - acked >= PUBLISH_WINDOW) {
      if (performance.now() - t0 > limitMs) throw new Error(`nats publish: ${acked} acked in ${limitMs} ms`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
      wake = null;
    }
    await c.pub(SUBJECT, payload, "_BENCH_ACK");
  }
  while (acked < count) {
    if (performance.now() - t0 > limitMs) throw new Error(`nats publish: ${acked} acked in ${limitMs} ms`);
    await sleep(10);
  }
  return (performance.now() - t0) / 1000;
}

async function replay(
  late: NatsConn,
  s1: Child,
  s2: Child,
  count: number,
  payloadBytes: number,
  limitMs: number,
  version: string,
  publishS: number,
): Promise<NatsReplayResult> {
  const r: NatsReplayResult = {
    version,
    count,
    payloadBytes,
    received: 0,
    publishS,
    firstS: null,
    lastS: null,
    cpu: { origin: 0, local: 0, bench: 0, wallS: 0 },
    localRssEnd: 0,
    outcome: "timeout",
  };
  const deliver = `_BENCH_REPLAY.${Math.random().toString(36).slice(2)}`;
  let t0 = 0;
  const cpu0 = { origin: cpuSeconds(s1.pid), local: cpuSeconds(s2.pid), bench: process.cpuUsage() };
  const takeCpu = (): void => {
    const b = process.cpuUsage(cpu0.bench);
    r.cpu = {
      origin: cpuSeconds(s1.pid) - cpu0.origin,
      local: cpuSeconds(s2.pid) - cpu0.local,
      bench: (b.user + b.system) / 1e6,
      wallS: (performance.now() - t0) / 1000,
    };
  };
  late.sub(deliver, (m: NatsMsg) => {
    if (m.headers !== null && m.headers.startsWith("NATS/1.0 100")) {
      // Flow control asks for an answer; idle heartbeats do not.
      if (m.reply !== "") void late.pub(m.reply, Buffer.alloc(0));
      return;
    }
    r.received++;
    if (r.received === 1) r.firstS = (performance.now() - t0) / 1000;
    if (r.received === count) {
      r.lastS = (performance.now() - t0) / 1000;
      takeCpu();
    }
  });
  await late.flush(5_000);
  t0 = performance.now();
  const created = JSON.parse(
    (
      await late.request(
        `$JS.API.CONSUMER.CREATE.${STREAM}`,
        JSON.stringify({
          stream_name: STREAM,
          config: {
            deliver_subject: deliver,
            deliver_policy: "all",
            ack_policy: "none",
            replay_policy: "instant",
            flow_control: true,
            idle_heartbeat: 5_000_000_000,
            mem_storage: true,
          },
        }),
        5_000,
      )
    ).toString(),
  ) as { error?: { description?: string } };
  if (created.error) throw new Error(`nats consumer: ${created.error.description ?? "create failed"}`);
  const end = t0 + limitMs;
  while (r.lastS === null && performance.now() < end) await sleep(20);
  if (r.lastS === null) takeCpu();
  else r.outcome = "ok";
  r.localRssEnd = s2.memory().rss;
  return r;
}

// Real processes: publish at g1, subscribe at g2 (loopback cluster of three).
// Throughput (flat out), paced latency, gossip bytes per digest between g1
// and g2 (nftables), and RSS of gateways holding a full retention log.
import { readFileSync, writeFileSync } from "node:fs";
import { encodeBatch } from "./blob.js";
import { Publisher } from "./clients.js";
import type { LoopbackCluster } from "./loopback-cluster.js";
import { load1 } from "./machine.js";
import { diff, NftCounters, totalBytes, type Traffic } from "./nft.js";
import { cdfOf, summarize, type Cdf, type Summary } from "./stats.js";
import { sleep, waitFor } from "./wait.js";

export interface ThroughputResult {
  windowS: number;
  deliveredPerS: number;
  publishedPerS: number;
  /** After publishing stopped and the subscriber drained (bounded wait). */
  publishedTotal: number;
  acceptedTotal: number;
  deliveredTotal: number;
  gaps: number;
  /** CPU use in the window, in % of one core: g1, g2, g3, bench process. */
  cpuPct: { g1: number; g2: number; g3: number; bench: number };
  load: number;
  traffic: Traffic | null;
  /** Datagrams the kernel dropped for a full socket receive buffer in the window (all of this host, /proc/net/snmp). */
  udpRcvbufErrors: number;
  /** Publisher backpressure waits that hit their 1 s bound. */
  stalls: number;
  errors: string[];
}

/** Udp RcvbufErrors of /proc/net/snmp (host-wide). */
export function udpRcvbufErrors(): number {
  try {
    const lines = readFileSync("/proc/net/snmp", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("Udp:"));
    const keys = (lines[0] ?? "").split(/\s+/);
    const vals = (lines[1] ?? "").split(/\s+/);
    return Number(vals[keys.indexOf("RcvbufErrors")] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Gossip traffic between g1 and g2 over `seconds` with no digests flowing. */
export async function idleTraffic(nft: NftCounters, seconds: number): Promise<Traffic> {
  const a = nft.read();
  await sleep(seconds * 1000);
  return diff(a, nft.read());
}

/** Flat-out publishing of `batch`-digest batches for warm-up + window seconds. */
export async function throughput(
  c: LoopbackCluster,
  o: { batch: number; payloadBytes: number; warmupS: number; windowS: number; nft: NftCounters | null },
): Promise<ThroughputResult> {
  const pub = new Publisher(c.pubClient, 64);
  const sub = c.subscriber;
  const batchBytes = encodeBatch(o.batch, o.payloadBytes, performance.now());
  let written = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await pub.write(batchBytes);
      written += o.batch;
      if ((written / o.batch) % 16 === 0) await new Promise((r) => setImmediate(r));
    }
  })();
  const gapsBefore = sub.gaps;
  const deliveredBefore = sub.digests;
  await sleep(o.warmupS * 1000);
  const start = snapshot(c, written, o.nft);
  await sleep(o.windowS * 1000);
  const end = snapshot(c, written, o.nft);
  const load = load1();
  stop = true;
  await loop;
  await pub.finish(30_000);
  // Let the subscriber catch up with what was accepted (bounded).
  let last = -1;
  await waitFor(
    () => {
      const settled = sub.digests === last;
      last = sub.digests;
      return settled && sub.digests - deliveredBefore >= pub.accepted;
    },
    30_000,
    1_000,
  );
  const secs = (end.at - start.at) / 1000;
  const pct = (a: number, b: number) => (100 * (b - a)) / secs;
  return {
    windowS: secs,
    deliveredPerS: (end.delivered - start.delivered) / secs,
    publishedPerS: (end.written - start.written) / secs,
    publishedTotal: written,
    acceptedTotal: pub.accepted,
    deliveredTotal: sub.digests - deliveredBefore,
    gaps: sub.gaps - gapsBefore,
    cpuPct: {
      g1: pct(start.cpu[0] ?? 0, end.cpu[0] ?? 0),
      g2: pct(start.cpu[1] ?? 0, end.cpu[1] ?? 0),
      g3: pct(start.cpu[2] ?? 0, end.cpu[2] ?? 0),
      bench: pct(start.benchCpu, end.benchCpu),
    },
    load,
    traffic: start.traffic && end.traffic ? diff(start.traffic, end.traffic) : null,
    udpRcvbufErrors: end.rcvbufErrors - start.rcvbufErrors,
    stalls: pub.stalls,
    errors: pub.errors,
  };
}

function snapshot(c: LoopbackCluster, written: number, nft: NftCounters | null) {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    written,
    delivered: c.subscriber.digests,
    cpu: c.gateways.map((g) => g.cpuSeconds()),
    benchCpu: (u.user + u.system) / 1e6,
    traffic: nft?.read() ?? null,
    rcvbufErrors: udpRcvbufErrors(),
  };
}

export interface LatencyResult {
  ratePerS: number;
  achievedPerS: number;
  latencyMs: Summary;
  /** The latency distribution, 202 percentiles (docs/plots). */
  latencyCdfMs: Cdf;
  sent: number;
  received: number;
  gaps: number;
  udpRcvbufErrors: number;
  load: number;
}

/** Paced publishing: each 1 ms tick sends what is due, stamped with the send time. */
export async function pacedLatency(
  c: LoopbackCluster,
  o: {
    ratePerS: number;
    seconds: number;
    payloadBytes: number;
    skipFirstMs: number;
    /** Writes "sendTimeMs(epoch) latencyMs" per digest here, to line tails up with GC or load. */
    dumpFile?: string | null;
  },
): Promise<LatencyResult> {
  const pub = new Publisher(c.pubClient, 256);
  const sub = c.subscriber;
  const samples: number[] = [];
  const t0 = performance.now();
  // Typed arrays, not strings: the bench process's own garbage would show in what it measures.
  const dumpT = new Float64Array(o.dumpFile ? o.ratePerS * (o.seconds + 2) : 0);
  const dumpL = new Float64Array(dumpT.length);
  let dumped = 0;
  sub.onStamp = (stamp, now) => {
    if (stamp >= t0 + o.skipFirstMs) samples.push(now - stamp);
    if (dumped < dumpT.length) {
      dumpT[dumped] = performance.timeOrigin + stamp;
      dumpL[dumped++] = now - stamp;
    }
  };
  const gapsBefore = sub.gaps;
  const before = sub.digests;
  const rcvbuf0 = udpRcvbufErrors();
  let sent = 0;
  const end = t0 + o.seconds * 1000;
  while (performance.now() < end) {
    const now = performance.now();
    const due = Math.min(1024, Math.floor(((now - t0) * o.ratePerS) / 1000) - sent);
    if (due > 0) {
      await pub.write(encodeBatch(due, o.payloadBytes, now));
      sent += due;
    }
    await sleep(1);
  }
  const elapsed = (performance.now() - t0) / 1000;
  await pub.finish(10_000);
  await waitFor(() => sub.digests - before >= sent, 10_000);
  const load = load1();
  sub.onStamp = null;
  if (o.dumpFile) {
    const lines = Array.from(
      dumpT.subarray(0, dumped),
      (t, i) => `${t.toFixed(1)} ${(dumpL[i] as number).toFixed(2)}`,
    );
    writeFileSync(o.dumpFile, lines.join("\n") + "\n");
  }
  return {
    ratePerS: o.ratePerS,
    achievedPerS: sent / elapsed,
    latencyMs: summarize(samples),
    latencyCdfMs: cdfOf(samples),
    sent,
    received: sub.digests - before,
    gaps: sub.gaps - gapsBefore,
    udpRcvbufErrors: udpRcvbufErrors() - rcvbuf0,
    load,
  };
}

export interface RssResult {
  digests: number;
  delivered: number;
  before: Array<{ name: string; rss: number; hwm: number }>;
  after: Array<{ name: string; rss: number; hwm: number }>;
  load: number;
}

/** Publishes `digests` digests (so the retention logs at g1 and g2 fill), then reads VmRSS. */
export async function retentionRss(
  c: LoopbackCluster,
  o: { digests: number; batch: number; payloadBytes: number; settleMs: number },
): Promise<RssResult> {
  const mem = () => c.gateways.map((g) => ({ name: g.child.name, ...g.child.memory() }));
  const before = mem();
  const pub = new Publisher(c.pubClient, 64);
  const delivered0 = c.subscriber.digests;
  const batch = encodeBatch(o.batch, o.payloadBytes, performance.now());
  for (let sent = 0; sent < o.digests; sent += o.batch) await pub.write(batch);
  await pub.finish(30_000);
  await waitFor(() => c.subscriber.digests - delivered0 >= o.digests, 60_000);
  await sleep(o.settleMs);
  return {
    digests: Math.ceil(o.digests / o.batch) * o.batch,
    delivered: c.subscriber.digests - delivered0,
    before,
    after: mem(),
    load: load1(),
  };
}

export { totalBytes };

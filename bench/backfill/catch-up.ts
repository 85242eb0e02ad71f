// The measured late subscriber: the TypeScript SDK at gateway B, subscribed
// with start=earliest or a resume cursor; times to its first digest, to the
// caught-up marker and to the target count, checks order, and takes the CPU
// of the origin A, of B and of this process over the catch-up.
import { type Cursor, connect, type Delivery } from "../../src/sdk/index.js";
import { BLOB_TYPE } from "../bus/blob.js";
import type { BenchGateway } from "./gateway.js";

/** Period of the RSS / CPU sampler, ms. */
const SAMPLE_MS = 250;
/** After the caught-up marker with fewer digests than expected, how long the rest may still come. */
const SHORT_GRACE_MS = 10_000;

export interface CatchUpOptions {
  address: string;
  origin: BenchGateway;
  local: BenchGateway;
  originName: string;
  /** Digests expected, stream sequences 1..target. */
  target: number;
  start: "earliest" | "latest";
  resumeFrom?: Cursor;
  limitMs: number;
  /** Cap on the consumer's rate, digests/s (a slow subscriber); 0 = as fast as it can. */
  consumerRate: number;
}

export interface CpuSpan {
  /** CPU seconds used over the span. */
  origin: number;
  local: number;
  bench: number;
  wallS: number;
}

export interface Sample {
  atS: number;
  originCpuS: number;
  localCpuS: number;
  localRss: number;
  received: number;
}

export interface CatchUpResult {
  target: number;
  received: number;
  /** Digests out of stream order or repeated (should be 0). */
  outOfOrder: number;
  firstSeq: number | null;
  lastSeq: number | null;
  gaps: string[];
  /** Seconds from subscribe() to: the started answer, the first digest, the caught-up marker, the target-th digest. */
  startedS: number | null;
  firstDigestS: number | null;
  caughtUpS: number | null;
  targetS: number | null;
  /** Digests the gateway said it delivered before the marker, and the ones this process had then. */
  caughtUpBacklog: number | null;
  receivedAtCaughtUp: number | null;
  /** CPU from subscribe() to the target-th digest (when not reached: to the caught-up marker, else the end). */
  cpu: CpuSpan;
  /** B's VmRSS right before subscribe(), after, and the peak of the samples; VmHWM after. */
  localRssBefore: number;
  localRssEnd: number;
  localRssPeak: number;
  localHwm: number;
  samples: Sample[];
  outcome: "ok" | "timeout" | "short" | "error";
  error: string | null;
}

export async function catchUp(o: CatchUpOptions): Promise<CatchUpResult> {
  const client = connect({ address: o.address });
  const ac = new AbortController();
  const r: CatchUpResult = {
    target: o.target,
    received: 0,
    outOfOrder: 0,
    firstSeq: null,
    lastSeq: null,
    gaps: [],
    startedS: null,
    firstDigestS: null,
    caughtUpS: null,
    targetS: null,
    caughtUpBacklog: null,
    receivedAtCaughtUp: null,
    cpu: { origin: 0, local: 0, bench: 0, wallS: 0 },
    localRssBefore: o.local.memory().rss,
    localRssEnd: 0,
    localRssPeak: 0,
    localHwm: 0,
    samples: [],
    outcome: "timeout",
    error: null,
  };
  const cpu0 = { origin: o.origin.cpuSeconds(), local: o.local.cpuSeconds(), bench: process.cpuUsage() };
  const t0 = performance.now();
  const since = (): number => (performance.now() - t0) / 1000;
  const takeCpu = (): CpuSpan => {
    const b = process.cpuUsage(cpu0.bench);
    return {
      origin: o.origin.cpuSeconds() - cpu0.origin,
      local: o.local.cpuSeconds() - cpu0.local,
      bench: (b.user + b.system) / 1e6,
      wallS: since(),
    };
  };
  const sampler = setInterval(() => {
    const rss = o.local.memory().rss;
    r.localRssPeak = Math.max(r.localRssPeak, rss);
    r.samples.push({
      atS: since(),
      originCpuS: o.origin.cpuSeconds() - cpu0.origin,
      localCpuS: o.local.cpuSeconds() - cpu0.local,
      localRss: rss,
      received: r.received,
    });
  }, SAMPLE_MS);
  const limit = setTimeout(() => ac.abort(), o.limitMs);
  let shortTimer: NodeJS.Timeout | null = null;
  const maybeDone = (): void => {
    if (r.caughtUpS !== null && r.targetS !== null) ac.abort();
  };
  const sub = client.subscribe(BLOB_TYPE, {
    start: o.start,
    ...(o.resumeFrom === undefined ? {} : { resumeFrom: o.resumeFrom }),
    signal: ac.signal,
  });
  sub.started.then(
    () => (r.startedS = since()),
    () => {},
  );
  let cpuAtCaughtUp: CpuSpan | null = null;
  void sub.caughtUp.then((c) => {
    r.caughtUpS = since();
    cpuAtCaughtUp = takeCpu();
    r.caughtUpBacklog = c.backlogDigests;
    r.receivedAtCaughtUp = r.received;
    if (r.received < o.target) shortTimer = setTimeout(() => ac.abort(), SHORT_GRACE_MS);
    maybeDone();
  });
  try {
    for await (const d of sub) {
      if (d.kind === "gap") {
        r.gaps.push(`${gapText(d)} at ${since().toFixed(2)} s, after ${r.received}`);
        continue;
      }
      if (!note(r, d, o.originName)) continue;
      if (r.received === 1) r.firstDigestS = since();
      if (o.consumerRate > 0 && r.received % PACE_EVERY === 0)
        await pace(r.received, o.consumerRate, since());
      if (r.received === o.target) {
        r.targetS = since();
        r.cpu = takeCpu();
        maybeDone();
      }
    }
  } catch (err) {
    r.error = (err as Error).message;
  } finally {
    clearInterval(sampler);
    clearTimeout(limit);
    if (shortTimer !== null) clearTimeout(shortTimer);
    client.close();
  }
  // Not all arrived: the span ends at the marker (if any), not after the grace waited for the rest.
  if (r.targetS === null) r.cpu = cpuAtCaughtUp ?? takeCpu();
  const mem = o.local.memory();
  r.localRssEnd = mem.rss;
  r.localHwm = mem.hwm;
  r.localRssPeak = Math.max(r.localRssPeak, mem.rss);
  r.outcome =
    r.error !== null
      ? "error"
      : r.targetS !== null && r.caughtUpS !== null
        ? "ok"
        : r.caughtUpS !== null
          ? "short"
          : "timeout";
  return r;
}

/** The paced consumer sleeps (when ahead of its rate) once per this many digests. */
const PACE_EVERY = 256;

function pace(received: number, rate: number, nowS: number): Promise<void> | undefined {
  const aheadMs = (received / rate - nowS) * 1000;
  return aheadMs >= 1 ? new Promise((resolve) => setTimeout(resolve, aheadMs)) : undefined;
}

/** Counts one digest; false when it is not one of the origin's bench digests. */
function note(r: CatchUpResult, d: Delivery & { kind: "digest" }, origin: string): boolean {
  if (d.origin !== origin || d.type !== BLOB_TYPE) return false;
  const seq = Number(d.streamSequence);
  if (r.lastSeq !== null && seq !== r.lastSeq + 1) r.outOfOrder++;
  r.firstSeq ??= seq;
  r.lastSeq = seq;
  r.received++;
  return true;
}

function gapText(g: Delivery & { kind: "gap" }): string {
  const ranges = g.ranges.map((x) => `${x.origin} ${x.fromSequence}-${x.toSequence}`).join(", ");
  return `${g.reason} (${ranges})`;
}

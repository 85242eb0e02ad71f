// The two ways a late subscriber at B reaches the past of A's stream:
//  - "repair": B never held the stream; subscribe start=earliest -> discovery,
//    seek, anti-entropy repair into B's log, delivery from it;
//  - "backfill" / "backfill-earliest": B already holds the stream from a later
//    floor (a "latest" subscriber came midway); a new subscriber resuming
//    from a cursor at sequence 0 (or start=earliest) reads what lies below
//    the floor from A per subscription (src/bus/backfill.ts), then B's log.
import { connect, type Cursor } from "../../src/sdk/index.js";
import { BLOB_TYPE } from "../bus/blob.js";
import { sleep, waitFor } from "../bus/wait.js";
import { catchUp, type CatchUpResult } from "./catch-up.js";
import { type Cluster, counterDelta, publishBulk, startCluster, type Published } from "./cluster.js";
import type { Counters } from "./gateway.js";

export const CASES = ["repair", "backfill", "backfill-earliest"] as const;
export type CaseName = (typeof CASES)[number];

export interface CaseOptions {
  root: string;
  gateways: number;
  digests: number;
  payloadBytes: number;
  limitMs: number;
  idleS: number;
  consumerRate: number;
  cliAgent: boolean;
  log: (m: string) => void;
}

export interface CaseResult {
  name: CaseName;
  payloadBytes: number;
  digests: number;
  gateways: number;
  published: Published[];
  /** CPU % of one core of A and B while idle (before publishing). */
  idleCpuPct: { origin: number; local: number };
  /** B's retained floor in the backfill cases: digests the "latest" subscriber got (B holds only those). */
  heldAtB: number | null;
  catchUp: CatchUpResult;
  /** bus_* counter increments over the catch-up (null with --cli-agent). */
  counters: { origin: Counters | null; local: Counters | null };
  /** bus_* counters of B before the catch-up: what the setup (publish, a "latest" subscriber) did. */
  localBefore: Counters | null;
  load: number;
}

export async function runCase(name: CaseName, o: CaseOptions, load: () => number): Promise<CaseResult> {
  const c = await startCluster(o.root, o.gateways, o.cliAgent, o.log);
  const latest: { close(): void }[] = [];
  try {
    const idleCpuPct = await idleCpu(c, o.idleS);
    const published: Published[] = [];
    let heldAtB: number | null = null;
    let resumeFrom: Cursor | undefined;
    if (name === "repair") {
      published.push(await publish(c, o, o.digests));
    } else {
      const first = Math.floor(o.digests / 2);
      published.push(await publish(c, o, first));
      // Past startGraceMs (1 s): the "latest" subscriber's start excludes the first half.
      await sleep(2_000);
      const l = latestSubscriber(c.lateGrpc);
      latest.push(l);
      if (!(await waitFor(() => l.started, 10_000))) throw new Error("latest subscriber at B: not started");
      // The second half reaches B by push, after the latest subscriber has started.
      await sleep(2_000);
      published.push(await publish(c, o, o.digests - first));
      if (!(await waitFor(() => l.received >= o.digests - first, 60_000)))
        throw new Error(`latest subscriber at B: ${l.received} of ${o.digests - first} in 60 s`);
      heldAtB = l.received;
      if (name === "backfill")
        resumeFrom = {
          positions: [{ origin: c.origin.name, type: BLOB_TYPE, epoch: l.epoch ?? 0n, sequence: 0n }],
        };
    }
    await sleep(1_000);
    const before = await Promise.all([c.origin.counters(), c.late.counters()]);
    o.log(
      `${name} ${o.payloadBytes} B: late subscriber at B (${name === "backfill" ? "cursor at 0" : "earliest"})`,
    );
    const r = await catchUp({
      address: c.lateGrpc,
      origin: c.origin,
      local: c.late,
      originName: c.origin.name,
      target: o.digests,
      start: "earliest",
      ...(resumeFrom === undefined ? {} : { resumeFrom }),
      limitMs: o.limitMs,
      consumerRate: o.consumerRate,
    });
    const after = await Promise.all([c.origin.counters(), c.late.counters()]);
    o.log(
      `${name} ${o.payloadBytes} B: ${r.outcome}, ${r.received} digests, caught up ${r.caughtUpS?.toFixed(2) ?? "-"} s, ` +
        `${o.digests}th ${r.targetS?.toFixed(2) ?? "-"} s, origin CPU ${r.cpu.origin.toFixed(2)} s`,
    );
    return {
      name,
      payloadBytes: o.payloadBytes,
      digests: o.digests,
      gateways: o.gateways,
      published,
      idleCpuPct,
      heldAtB,
      catchUp: r,
      counters: {
        origin: counterDelta(before[0], after[0]),
        local: counterDelta(before[1], after[1]),
      },
      localBefore: counterDelta(null, before[1]),
      load: load(),
    };
  } finally {
    for (const l of latest) l.close();
    await c.close();
  }
}

async function publish(c: Cluster, o: CaseOptions, n: number): Promise<Published> {
  const p = await publishBulk(c.originClient, n, o.payloadBytes, 120_000);
  if (p.accepted !== n)
    throw new Error(`publish at A: ${p.accepted} of ${n} accepted (${p.errors.slice(0, 3).join("; ")})`);
  o.log(`published ${n} x ${o.payloadBytes} B at A in ${p.seconds.toFixed(2)} s`);
  return p;
}

async function idleCpu(c: Cluster, seconds: number): Promise<{ origin: number; local: number }> {
  const a0 = c.origin.cpuSeconds();
  const b0 = c.late.cpuSeconds();
  await sleep(seconds * 1000);
  return {
    origin: ((c.origin.cpuSeconds() - a0) / seconds) * 100,
    local: ((c.late.cpuSeconds() - b0) / seconds) * 100,
  };
}

/** A "latest" subscriber at B: makes B hold the stream from now on; counts what it gets. */
function latestSubscriber(address: string): {
  started: boolean;
  received: number;
  epoch: bigint | null;
  close(): void;
} {
  const client = connect({ address });
  const ac = new AbortController();
  const sub = client.subscribe(BLOB_TYPE, { start: "latest", signal: ac.signal });
  const l = {
    started: false,
    received: 0,
    epoch: null as bigint | null,
    close: () => {
      ac.abort();
      client.close();
    },
  };
  sub.started.then(
    () => (l.started = true),
    () => {},
  );
  void (async () => {
    try {
      for await (const d of sub) {
        if (d.kind !== "digest") continue;
        l.epoch ??= d.epoch;
        l.received++;
      }
    } catch {
      // closed
    }
  })();
  return l;
}

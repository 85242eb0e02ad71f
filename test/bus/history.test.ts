import { expect, it } from "vitest";
import { MemoryLogStore, type Bus, type Digest, type SubscribeOptions } from "../../src/bus/index.js";
import type { Duration } from "../../src/transport/index.js";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

// Issue #15: no silent loss across a fresh-disk restart, and history from any gateway.

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const typeSeqs = (ds: Digest[]): number[] => ds.map((d) => d.typeSeq);

function cluster(seed: number, n: number, loss = 0): { c: BusCluster; names: string[] } {
  const c = new BusCluster({ seed: seedFor(seed), loss });
  const names = nodeNames(n);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  until(c, () => c.allSeeAlive(names), "30s");
  return { c, names };
}

/** Runs the simulation until `cond` holds (within `within` of simulated time), failing with the replay seed. */
function until(c: BusCluster, cond: () => boolean, within: Duration): void {
  expect(c.sim.runUntil(cond, within), c.replay).toBe(true);
}

function sub(bus: Bus, o: SubscribeOptions): Collector {
  const r = bus.subscribe(o);
  if (!r.ok) throw new Error(r.error.message);
  return new Collector(r.subscription);
}

function publish(bus: Bus, type: string, n: number): void {
  for (let i = 0; i < n; i++) bus.publish({ type, payload: new Uint8Array([i & 255]) });
}

it("an origin restarted without its log starts a new epoch: every digest after the restart arrives", () => {
  const { c } = cluster(1501, 3, 0.05);
  const k = sub(c.bus("n2"), { types: ["T"] });
  c.sim.runFor("2s");
  publish(c.bus("n1"), "T", 200);
  until(c, () => k.digests.length === 200, "20s");
  const first = c.bus("n1").epoch;
  c.crash("n1");
  c.sim.runFor("2s");
  const again = c.restart("n1", "n3");
  expect(again.epoch).not.toBe(first);
  expect(again.epoch).toBeGreaterThan(first);
  c.sim.runFor("5s");
  publish(again, "T", 50);
  until(c, () => k.digests.length === 250, "30s");
  c.sim.runFor("2s");
  expect(k.gaps, c.replay).toEqual([]);
  expect(k.duplicates + k.disorders).toBe(0);
  const later = k.digests.slice(200);
  expect(later.every((d) => d.epoch === again.epoch)).toBe(true);
  expect(typeSeqs(later)).toEqual(range(1, 50));
  expect(c.counter("bus_epochs_seen_total")).toBeGreaterThan(0);
}, 60_000);

it("a late subscriber at a gateway that never wanted the type gets the retained history, then caught-up, then live", () => {
  const { c } = cluster(1502, 3, 0.05);
  const witness = sub(c.bus("n2"), { types: ["T"] });
  c.sim.runFor("2s");
  publish(c.bus("n1"), "T", 200);
  until(c, () => witness.digests.length === 200, "20s");
  c.sim.runFor("10s");
  const late = sub(c.bus("n3"), { types: ["T"], start: "earliest" });
  const live = sub(c.bus("n3"), { types: ["T"] });
  until(c, () => late.caughtUp, "20s");
  expect(typeSeqs(late.digests)).toEqual(range(1, 200));
  expect(late.gaps).toEqual([]);
  publish(c.bus("n1"), "T", 5);
  until(c, () => late.digests.length === 205 && live.digests.length === 5, "10s");
  // "latest" at the same gateway starts at the live head though the node fetched the history.
  expect(typeSeqs(live.digests)).toEqual(range(201, 205));
  expect(live.caughtUp).toBe(true);
}, 60_000);

it("a resume cursor in another gateway's past is served there: in order, then the new epoch after a fresh-disk restart", () => {
  const { c } = cluster(1503, 3);
  const witness = sub(c.bus("n2"), { types: ["T"] });
  c.sim.runFor("2s");
  publish(c.bus("n1"), "T", 100);
  c.sim.runUntil(() => witness.digests.length === 100, "20s");
  const oldEpoch = c.bus("n1").epoch;
  // The old epoch survives at n2 only; n1 restarts on a fresh disk and publishes 10.
  c.crash("n1");
  c.sim.runFor("2s");
  const fresh = c.restart("n1", "n2");
  c.sim.runFor("5s");
  publish(fresh, "T", 10);
  c.sim.runUntil(() => witness.digests.length === 110, "20s");
  const k = sub(c.bus("n3"), {
    types: ["T"],
    resumeFrom: [{ origin: "n1", type: "T", epoch: oldEpoch, sequence: 60 }],
  });
  until(c, () => k.caughtUp, "20s");
  expect(k.gaps).toEqual([]);
  expect(k.digests.map((d) => [d.epoch === oldEpoch ? "old" : "new", d.typeSeq])).toEqual([
    ...range(61, 100).map((s) => ["old", s]),
    ...range(1, 10).map((s) => ["new", s]),
  ]);
}, 60_000);

it("gap notices and cursors speak in the stream's own sequence", () => {
  const { c } = cluster(1504, 3);
  const other = sub(c.bus("n2"), { types: ["ops.v1.Metric"] });
  c.sim.runFor("2s");
  publish(c.bus("n1"), "ops.v1.Metric", 196);
  publish(c.bus("n1"), "ops.v1.Event", 3);
  c.sim.runUntil(() => other.digests.length === 196, "20s");
  const k = sub(c.bus("n3"), {
    types: ["ops.v1.Event"],
    resumeFrom: [{ origin: "n1", type: "ops.v1.Event", sequence: 0 }],
  });
  until(c, () => k.caughtUp, "20s");
  expect(k.gaps).toEqual([]);
  expect(k.digests.map((d) => [d.seq, d.typeSeq])).toEqual([
    [197, 1],
    [198, 2],
    [199, 3],
  ]);
  expect(k.sub.cursor().positions).toEqual([
    { origin: "n1", type: "ops.v1.Event", epoch: c.bus("n1").epoch, sequence: 3 },
  ]);
}, 60_000);

it("history below this gateway's own floor is read from the origin, and what no node holds is one RETENTION_EXPIRED gap", () => {
  const small = new Set(["n1"]);
  const c = new BusCluster({
    seed: seedFor(1505),
    loss: 0.05,
    // The origin n1 retains its last 150 digests; the others keep everything they take.
    store: (name) =>
      small.has(name)
        ? new MemoryLogStore({ maxDigests: 150, maxBytes: 1 << 30, maxAgeMs: 3_600_000 }, 7)
        : new MemoryLogStore(undefined, 8),
  });
  const names = nodeNames(3);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  until(c, () => c.allSeeAlive(names), "30s");
  publish(c.bus("n1"), "T", 100);
  c.sim.runFor("3s");
  // n2 starts holding the stream from here: its floor is 100.
  const live = sub(c.bus("n2"), { types: ["T"] });
  c.sim.runFor("3s");
  publish(c.bus("n1"), "T", 100);
  until(c, () => live.digests.length === 100, "20s");
  expect(typeSeqs(live.digests)).toEqual(range(101, 200));
  // n1 now holds 51..200; n2 holds 101..200.
  const epoch = c.bus("n1").epoch;
  const resumed = sub(c.bus("n2"), {
    types: ["T"],
    resumeFrom: [{ origin: "n1", type: "T", epoch, sequence: 80 }],
  });
  const older = sub(c.bus("n2"), {
    types: ["T"],
    resumeFrom: [{ origin: "n1", type: "T", epoch, sequence: 20 }],
  });
  const earliest = sub(c.bus("n2"), { types: ["T"], start: "earliest", maxQueued: 16 });
  until(c, () => resumed.caughtUp && older.caughtUp && earliest.caughtUp, "20s");
  expect(resumed.gaps).toEqual([]);
  expect(typeSeqs(resumed.digests)).toEqual(range(81, 200));
  expect(older.gaps).toMatchObject([
    { reason: "RETENTION_EXPIRED", ranges: [{ origin: "n1", epoch, type: "T", fromSeq: 21, toSeq: 50 }] },
  ]);
  expect(typeSeqs(older.digests)).toEqual(range(51, 200));
  // Earliest: the oldest any node retains, no gap; a small queue only paces the reads.
  expect(earliest.gaps).toEqual([]);
  expect(typeSeqs(earliest.digests)).toEqual(range(51, 200));
  expect(c.counter("bus_backfilled_total")).toBeGreaterThanOrEqual(50 + 50 + 20);
}, 60_000);

it("a gateway that stopped wanting a type discovers again: the next late subscriber's backlog is complete", () => {
  const { c } = cluster(1506, 3);
  publish(c.bus("n1"), "T", 3);
  c.sim.runFor("2s");
  /** Items until the caught-up marker: the backlog's stream sequences. */
  const backlog = (): number[] => {
    const r = c.bus("n3").subscribe({ types: ["T"], start: "earliest" });
    if (!r.ok) throw new Error(r.error.message);
    const got: number[] = [];
    let done = false;
    r.subscription.onReadable(() => {
      for (const item of r.subscription.drain()) {
        if (item.kind === "caught-up") done = true;
        else if (item.kind === "digest" && !done) got.push(item.digest.typeSeq);
      }
    });
    until(c, () => done, "20s");
    r.subscription.close();
    return got;
  };
  expect(backlog()).toEqual(range(1, 3));
  publish(c.bus("n1"), "T", 1);
  c.sim.runFor("1s");
  expect(backlog(), c.replay).toEqual(range(1, 4));
  publish(c.bus("n1"), "T", 2);
  c.sim.runFor("1s");
  expect(backlog(), c.replay).toEqual(range(1, 6));
}, 60_000);

it("a slow late subscriber catching up on a repaired stream loses nothing: repaired digests wait in the log for room", () => {
  const { c } = cluster(1507, 3, 0.02);
  publish(c.bus("n1"), "T", 3000);
  c.sim.runFor("2s");
  const r = c.bus("n3").subscribe({ types: ["T"], start: "earliest", maxQueued: 100 });
  if (!r.ok) throw new Error(r.error.message);
  const got: number[] = [];
  const gaps: string[] = [];
  let caughtUp = false;
  // A slow consumer: 20 items every 50 ms (400/s) while n3 repairs the stream far faster.
  const start = c.sim.nowMs();
  for (let i = 1; i <= 400; i++)
    c.sim.at(start + i * 50, () => {
      for (const item of r.subscription.drain(20)) {
        if (item.kind === "digest") got.push(item.digest.typeSeq);
        else if (item.kind === "gap") gaps.push(item.gap.reason);
        else caughtUp = true;
      }
    });
  until(c, () => caughtUp, "30s");
  expect(gaps).toEqual([]);
  expect(got).toEqual(range(1, 3000));
  expect(r.subscription.dropped).toBe(0);
}, 60_000);

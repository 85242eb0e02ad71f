import { expect, it } from "vitest";
import { MemoryLogStore } from "../../src/bus/index.js";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

const seqs = (k: Collector): number[] => k.digests.map((d) => d.seq);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

it("cursor resume from the local log: after the cursor, expired part as a gap, earliest, latest, ahead", () => {
  const c = new BusCluster({
    seed: seedFor(606),
    store: () => new MemoryLogStore({ maxDigests: 20, maxBytes: 1 << 30, maxAgeMs: 3_600_000 }),
  });
  c.add("n1");
  c.sim.runFor("1s");
  const bus = c.bus("n1");
  for (let i = 0; i < 50; i++) bus.publish({ type: "T", payload: new Uint8Array([i]) });
  const sub = (o: Parameters<typeof bus.subscribe>[0]): Collector => {
    const r = bus.subscribe(o);
    if (!r.ok) throw new Error(r.error.message);
    return new Collector(r.subscription);
  };
  const recent = sub({ types: ["T"], resumeFrom: [{ origin: "n1", type: "T", sequence: 40 }] });
  const old = sub({ types: ["T"], resumeFrom: { positions: [{ origin: "n1", type: "T", sequence: 10 }] } });
  const earliest = sub({ types: ["T"], start: "earliest" });
  const latest = sub({ types: ["T"] });
  const ahead = sub({ types: ["T"], resumeFrom: [{ origin: "n1", type: "T", sequence: 52 }] });
  c.sim.runFor("100ms");
  expect(seqs(recent)).toEqual(range(41, 50));
  expect(old.gaps).toMatchObject([
    {
      reason: "RETENTION_EXPIRED",
      ranges: [{ origin: "n1", epoch: bus.epoch, type: "T", fromSeq: 11, toSeq: 30 }],
    },
  ]);
  expect(old.gaps[0]?.resumeFrom.positions).toEqual([
    { origin: "n1", type: "T", epoch: bus.epoch, sequence: 30 },
  ]);
  expect(seqs(old)).toEqual(range(31, 50));
  expect(seqs(earliest)).toEqual(range(31, 50));
  expect(earliest.gaps).toEqual([]);
  expect(seqs(latest)).toEqual([]);
  expect(seqs(ahead)).toEqual([]);
  for (let i = 0; i < 3; i++) bus.publish({ type: "T", payload: new Uint8Array([i]) });
  c.sim.runFor("100ms");
  expect(seqs(latest)).toEqual([51, 52, 53]);
  expect(seqs(ahead)).toEqual([53]);
  expect(seqs(recent)).toEqual(range(41, 53));
});

it("a cursor for a stream this gateway never held is served by seeking the origin and repairing", () => {
  const c = new BusCluster({ seed: seedFor(607), loss: 0.1 });
  const names = nodeNames(3);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  for (let i = 0; i < 30; i++) c.bus("n1").publish({ type: "T", payload: new Uint8Array([i]) });
  c.sim.runFor("1s");
  const r = c.bus("n3").subscribe({ types: ["T"], resumeFrom: [{ origin: "n1", type: "T", sequence: 20 }] });
  if (!r.ok) throw new Error(r.error.message);
  const k = new Collector(r.subscription);
  expect(
    c.sim.runUntil(() => k.digests.length === 10, "10s"),
    c.replay,
  ).toBe(true);
  c.bus("n1").publish({ type: "T", payload: new Uint8Array([1]) });
  c.sim.runFor("2s");
  expect(seqs(k), c.replay).toEqual(range(21, 31));
  expect(k.gaps).toEqual([]);
  // A newcomer with "latest" starts at the live head, not at the start of retention
  // ("latest" reaches back startGraceMs = 5 s for clock skew, so subscribe well after those were published).
  c.sim.runFor("10s");
  const late = c.bus("n2").subscribe({ types: ["T"] });
  if (!late.ok) throw new Error(late.error.message);
  const l = new Collector(late.subscription);
  c.sim.runFor("10s");
  c.bus("n1").publish({ type: "T", payload: new Uint8Array([2]) });
  c.sim.runFor("2s");
  expect(seqs(l), c.replay).toEqual([32]);
});

it("subscribe limits are checked with messages naming the field", () => {
  const c = new BusCluster({ seed: seedFor(608) });
  c.add("n1");
  const bus = c.bus("n1");
  const types = Array.from({ length: 65 }, (_, i) => `t${i}`);
  expect(bus.subscribe({ types })).toMatchObject({
    ok: false,
    error: { code: "RESOURCE_EXHAUSTED", message: expect.stringMatching(/maxTypesPerSubscription/) },
  });
  expect(bus.subscribe({ types: [] })).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT" } });
  expect(bus.subscribe({ types: ["A"], maxQueued: 0 })).toMatchObject({
    ok: false,
    error: { message: expect.stringMatching(/maxQueued/) },
  });
  expect(
    bus.subscribe({ types: ["A"], resumeFrom: [{ origin: "x", type: "A", sequence: -1 }] }),
  ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/sequence/) } });
  // Interest beyond the node-state budget is refused, and nothing is half-applied.
  for (let i = 0; i < 3; i++) {
    const r = bus.subscribe({ types: Array.from({ length: 64 }, (_, j) => `type-${i}-${j}`) });
    expect(r.ok).toBe(true);
  }
  const over = bus.subscribe({ types: Array.from({ length: 64 }, (_, j) => `more-${j}`) });
  expect(over).toMatchObject({
    ok: false,
    error: { code: "RESOURCE_EXHAUSTED", message: expect.stringMatching(/interest/) },
  });
  expect(bus.stats().interestTypes).toBe(192);
});

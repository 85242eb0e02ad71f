import { expect, it } from "vitest";
import { BatchWriter, Kind, encodeSyncReq } from "../../src/bus/internal.js";
import type { Digest } from "../../src/bus/index.js";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

const digest = (over: Partial<Digest>): Digest => ({
  type: "A",
  payload: new Uint8Array([1]),
  origin: "n1",
  epoch: 1,
  seq: 1,
  typeSeq: 1,
  publishTimeMs: 1,
  headers: {},
  ...over,
});

function pushBytes(ds: Digest[]): Uint8Array {
  const w = new BatchWriter(Kind.Push);
  for (const d of ds) w.tryAdd(d, 60_000, true);
  return w.finish();
}

it("hostile input is refused and counted; nothing else is disturbed", () => {
  const c = new BusCluster({ seed: seedFor(505) });
  const names = nodeNames(4);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  const r = c.bus("n2").subscribe({ types: ["A"] });
  if (!r.ok) throw new Error(r.error.message);
  const k = new Collector(r.subscription);
  c.sim.runFor("2s");
  for (let i = 0; i < 10; i++) c.bus("n1").publish({ type: "A", payload: new Uint8Array([i]) });
  c.sim.runFor("500ms");
  expect(k.digests.length).toBe(10);

  // Publish limits: clear errors naming the field and the limit.
  const bus = c.bus("n1");
  const big = bus.publish({ type: "A", payload: new Uint8Array(1024 * 1024 + 1) });
  expect(big).toMatchObject({ ok: false, error: { code: "RESOURCE_EXHAUSTED" } });
  expect(!big.ok && big.error.message).toMatch(/payload.*maxPayloadBytes/);
  const manyHeaders = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, "v"]));
  expect(bus.publish({ type: "A", payload: new Uint8Array(1), headers: manyHeaders })).toMatchObject({
    ok: false,
    error: { code: "RESOURCE_EXHAUSTED", message: expect.stringMatching(/maxHeaders/) },
  });
  const fat = bus.publish({ type: "A", payload: new Uint8Array(1), headers: { h: "x".repeat(5000) } });
  expect(!fat.ok && fat.error.message).toMatch(/maxHeaderBytes/);
  expect(bus.publish({ type: "", payload: new Uint8Array(1) })).toMatchObject({
    ok: false,
    error: { code: "INVALID_ARGUMENT" },
  });
  expect(bus.publish({ type: "A\n", payload: new Uint8Array(1) })).toMatchObject({
    ok: false,
    error: { code: "INVALID_ARGUMENT" },
  });

  // Wire attacks from n4 at n2, forging digests of n1's stream (its epoch).
  const epoch = c.bus("n1").epoch;
  const forged = (over: Partial<Digest>): Digest => digest({ epoch, ...over });
  const attacker = c.overlays.get("n4");
  if (attacker === undefined) throw new Error("no n4");
  const send = (bytes: Uint8Array): void => {
    expect(attacker.sendUserPacket("n2:7946", new Uint8Array([1, ...bytes]))).toBe(true);
  };
  const request = (bytes: Uint8Array): void =>
    attacker.requestUser("n2:7946", new Uint8Array([1, ...bytes]), 1000, () => {});
  send(new Uint8Array([Kind.Push, 0xc1, 0xff, 0x00])); // not MessagePack
  send(new Uint8Array([Kind.Push, 0x93, 1, 2, 3])); // not a record
  send(new Uint8Array([77, 1, 2])); // unknown kind
  send(new Uint8Array([])); // empty
  request(pushBytes([forged({ seq: 11, typeSeq: 11, headers: { h: "x".repeat(5000) } })])); // oversize headers (TCP: too big for UDP)
  send(pushBytes([forged({ seq: 3, typeSeq: 5 })])); // typeSeq above seq
  send(pushBytes([forged({ seq: 9e15, typeSeq: 9e15 })])); // huge jump
  send(pushBytes([forged({ seq: 4, typeSeq: 4, payload: new Uint8Array([66]) })])); // rewind: already delivered
  send(pushBytes([forged({ seq: -1, typeSeq: 1 })]));
  request(pushBytes([forged({ type: "x".repeat(300), seq: 12, typeSeq: 12 })])); // type name too long
  request(
    encodeSyncReq(
      ["A"],
      [{ origin: "n1", epoch, type: "A", hwm: 2 ** 53, floor: 0, upTo: 0 }],
      "n1",
    ).subarray(0, 5),
  );
  c.sim.runFor("500ms");
  const m = c.metrics.get("n2");
  const refused = (reason: string): number => m?.get("bus_refused_total", { reason }) ?? 0;
  const dropped = (reason: string): number => m?.get("bus_dropped_total", { reason }) ?? 0;
  expect(refused("malformed")).toBeGreaterThanOrEqual(3);
  expect(refused("kind")).toBe(1);
  expect(refused("empty")).toBe(1);
  expect(refused("record")).toBe(4);
  expect(dropped("jump")).toBe(1);
  expect(dropped("dup")).toBeGreaterThanOrEqual(1);

  // Nothing else disturbed: the stream continues in order, nothing bogus was delivered.
  for (let i = 0; i < 10; i++) c.bus("n1").publish({ type: "A", payload: new Uint8Array([i]) });
  c.sim.runFor("1s");
  expect(
    k.digests.map((d) => d.seq),
    c.replay,
  ).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(k.digests.every((d) => d.payload[0] !== 66)).toBe(true);
  expect(k.gaps).toEqual([]);
}, 30_000);

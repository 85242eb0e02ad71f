import { describe, expect, it } from "vitest";
import { SimNetwork } from "../../src/transport/index.js";
import {
  Awareness,
  BroadcastQueue,
  Suspicion,
  remainingSuspicionMs,
  retransmitLimit,
  suspicionTimeoutMs,
  pushPullScaleMs,
  lanConfig,
  validateConfig,
} from "../../src/overlay/index.js";

describe("formulas", () => {
  it("suspicion min timeout = mult x max(1, log10 N) x probe interval", () => {
    expect(suspicionTimeoutMs(4, 1, 1000)).toBe(4000);
    expect(suspicionTimeoutMs(4, 10, 1000)).toBe(4000);
    expect(suspicionTimeoutMs(4, 100, 1000)).toBe(8000);
    expect(suspicionTimeoutMs(4, 1000, 1000)).toBe(12000);
  });

  it("retransmits = mult x ceil(log10(N + 1)); push-pull stretches above 32 nodes", () => {
    expect(retransmitLimit(4, 1)).toBe(4);
    expect(retransmitLimit(4, 99)).toBe(8);
    expect(retransmitLimit(4, 1000)).toBe(16);
    expect(pushPullScaleMs(30_000, 32)).toBe(30_000);
    expect(pushPullScaleMs(30_000, 64)).toBe(60_000);
    expect(pushPullScaleMs(30_000, 1000)).toBe(180_000);
  });

  it("presets validate and bad values are reported by field", () => {
    expect(validateConfig(lanConfig("n1"))).toEqual([]);
    const errs = validateConfig(lanConfig("", { probeTimeoutMs: 2000, udpBudgetBytes: 100 }));
    expect(errs.map((e) => e.field).sort()).toEqual([
      "maxNodeStateBytes",
      "name",
      "probeTimeoutMs",
      "udpBudgetBytes",
    ]);
  });
});

describe("suspicion timer", () => {
  it("shrinks from max toward min with confirmations, as log(n+1)/log(k+1)", () => {
    expect(remainingSuspicionMs(0, 3, 0, 2000, 30000)).toBe(30000);
    expect(remainingSuspicionMs(1, 3, 0, 2000, 30000)).toBe(16000);
    expect(remainingSuspicionMs(3, 3, 0, 2000, 30000)).toBe(2000);
    expect(remainingSuspicionMs(3, 3, 2500, 2000, 30000)).toBe(-500);
  });

  function timer(k: number): { sim: SimNetwork; fired: number[]; s: Suspicion } {
    const sim = new SimNetwork({ seed: 1 });
    const h = sim.addHost("x");
    const fired: number[] = [];
    const s = new Suspicion(h.clock, "accuser", k, 2000, 30000, () => fired.push(sim.nowMs()));
    return { sim, fired, s };
  }

  it("fires at max without confirmations", () => {
    const { sim, fired } = timer(3);
    sim.runFor("60s");
    expect(fired).toEqual([30000]);
  });

  it("fires at min once k independent members confirm; duplicates and the accuser do not count", () => {
    const { sim, fired, s } = timer(3);
    sim.runFor("1s");
    expect(s.confirm("accuser")).toBe(false);
    expect(s.confirm("b")).toBe(true);
    expect(s.confirm("b")).toBe(false);
    expect(s.confirm("c")).toBe(true);
    expect(s.confirm("d")).toBe(true);
    expect(s.confirm("e")).toBe(false);
    sim.runFor("60s");
    expect(fired).toEqual([2000]);
  });

  it("fires immediately when confirmations arrive after min has passed; never after cancel", () => {
    const late = timer(1);
    late.sim.runFor("5s");
    late.s.confirm("b");
    late.sim.runFor("1ms");
    expect(late.fired).toEqual([5000]);
    const cancelled = timer(3);
    cancelled.s.cancel();
    cancelled.sim.runFor("60s");
    expect(cancelled.fired).toEqual([]);
  });
});

describe("awareness", () => {
  it("scales timeouts by score + 1 and stays within 0..max-1", () => {
    const a = new Awareness(8);
    expect(a.scaleMs(1000)).toBe(1000);
    a.applyDelta(3);
    expect(a.scaleMs(1000)).toBe(4000);
    a.applyDelta(100);
    expect(a.score).toBe(7);
    a.applyDelta(-100);
    expect(a.score).toBe(0);
  });
});

describe("broadcast queue", () => {
  const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

  it("sends each item `limit` times, fewest-sent and newest first", () => {
    const q = new BroadcastQueue(() => 2, 100);
    q.queue("a", bytes(20, 1));
    q.queue("b", bytes(20, 2));
    expect(q.take(0, 20).map((p) => p[0])).toEqual([2]);
    expect(q.take(0, 20).map((p) => p[0])).toEqual([1]);
    expect(q.take(0, 100).map((p) => p[0])).toEqual([2, 1]);
    expect(q.take(0, 100)).toEqual([]);
    expect(q.size).toBe(0);
  });

  it("newer news about a node replaces older and reports the old one done", () => {
    const q = new BroadcastQueue(() => 3, 100);
    let done = 0;
    q.queue("n1", bytes(20, 1), () => done++);
    q.queue("n1", bytes(20, 2));
    expect(done).toBe(1);
    expect(q.size).toBe(1);
    expect(q.take(0, 100).map((p) => p[0])).toEqual([2]);
  });

  it("respects the byte budget, per-part overhead and part count", () => {
    const q = new BroadcastQueue(() => 5, 100);
    for (let i = 0; i < 10; i++) q.queue(`n${i}`, bytes(30));
    expect(q.take(3, 100)).toHaveLength(3);
    expect(q.take(0, 1000, 2)).toHaveLength(2);
  });

  it("is bounded: beyond max items the most-sent are dropped (down to 90% of the cap) and counted", () => {
    const q = new BroadcastQueue(() => 10, 3);
    q.queue("old", bytes(20));
    q.take(0, 20);
    for (let i = 0; i < 3; i++) q.queue(`n${i}`, bytes(20));
    // The 4th item overflows the cap of 3: prune to floor(0.9 x 3) = 2, the most-sent ("old") first.
    expect(q.size).toBe(2);
    expect(q.dropped).toBe(2);
    expect(q.take(0, 1000)).toHaveLength(2);
  });
});

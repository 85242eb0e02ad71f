import { expect, it } from "vitest";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

it("digests published on one side of a 60 s partition reach the other side after it heals", () => {
  const c = new BusCluster({ seed: seedFor(202) });
  const names = nodeNames(12);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  const sideA = names.slice(0, 6);
  const sideB = names.slice(6);
  const collectors = new Map<string, Collector>();
  for (const n of [...names.slice(1, 4), ...sideB.slice(0, 4)]) {
    const r = c.bus(n).subscribe({ types: ["orders"] });
    if (!r.ok) throw new Error(r.error.message);
    collectors.set(n, new Collector(r.subscription));
  }
  c.sim.runFor("3s");
  const publish = (k: number): void => {
    for (let i = 0; i < k; i++) c.bus("n1").publish({ type: "orders", payload: new Uint8Array([i & 255]) });
  };
  publish(50); // before: everybody has these
  c.sim.runFor("2s");
  for (const [n, k] of collectors) expect(k.digests.length, n).toBe(50);

  c.sim.partition(sideA, sideB);
  for (let s = 0; s < 60; s++) c.sim.at(c.sim.nowMs() + s * 1000, () => publish(5)); // 300 during the partition
  c.sim.runFor("60s");
  for (const n of sideB.slice(0, 4)) expect(collectors.get(n)?.digests.length, n).toBe(50);
  for (const n of names.slice(1, 4)) expect(collectors.get(n)?.digests.length, n).toBe(350);

  c.sim.heal();
  const healedAt = c.sim.nowMs();
  const ok = c.sim.runUntil(() => [...collectors.values()].every((k) => k.digests.length === 350), "60s");
  console.log(
    `partition healed: other side caught up ${(c.sim.nowMs() - healedAt) / 1000} s after heal (${c.replay})`,
  );
  expect(ok, c.replay).toBe(true);
  c.sim.runFor("2s");
  for (const [n, k] of collectors) {
    expect(
      k.digests.map((d) => d.seq),
      `${n} ${c.replay}`,
    ).toEqual(Array.from({ length: 350 }, (_, i) => i + 1));
    expect(k.gaps, n).toEqual([]);
  }
}, 60_000);

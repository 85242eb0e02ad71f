import { expect, it } from "vitest";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

it("100 nodes, 30 subscribe to A, 20% loss, 10 publishers x 1,000: all delivered once, in order; others get no A bytes", () => {
  const t0 = Date.now();
  const c = new BusCluster({ seed: seedFor(101), loss: 0.2 });
  const names = nodeNames(100);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "60s", 500),
    c.replay,
  ).toBe(true);
  const subscribers = names.slice(0, 30);
  const publishers = names.slice(25, 35); // 5 of them subscribe, 5 do not
  const collectors = new Map<string, Collector>();
  for (const n of subscribers) {
    const r = c.bus(n).subscribe({ types: ["A"] });
    if (!r.ok) throw new Error(r.error.message);
    collectors.set(n, new Collector(r.subscription));
  }
  c.sim.runFor("5s"); // interest spreads by gossip
  const perPublisher = 1000;
  const payload = new Uint8Array(64).fill(7);
  for (let burst = 0; burst < perPublisher / 10; burst++) {
    c.sim.at(c.sim.nowMs() + burst * 10, () => {
      for (const p of publishers) for (let i = 0; i < 10; i++) c.bus(p).publish({ type: "A", payload });
    });
  }
  const total = publishers.length * perPublisher;
  const done = c.sim.runUntil(
    () => [...collectors.values()].every((k) => k.digests.length >= total),
    "120s",
    500,
  );
  const spentMs = c.sim.nowMs();
  c.sim.runFor("2s"); // anything extra (duplicates) would show now
  const short = [...collectors]
    .filter(([, k]) => k.digests.length !== total)
    .map(([n, k]) => `${n}:${k.digests.length}`);
  console.log(
    `100 nodes/30 subs/20% loss: ${total} digests x ${subscribers.length} delivered by t=${spentMs / 1000}s; ` +
      `pushes ${c.counter("bus_push_packets_total")} packets, repaired ${c.counter("bus_repaired_total")}, ` +
      `syncs ${c.counter("bus_syncs_total", { role: "ask" })}; wall ${Date.now() - t0} ms (${c.replay})`,
  );
  expect(done, `${short.join(" ")} ${c.replay}`).toBe(true);
  for (const [n, k] of collectors) {
    expect(k.duplicates, `${n} ${c.replay}`).toBe(0);
    expect(k.disorders, `${n} ${c.replay}`).toBe(0);
    expect(k.gaps, `${n} ${c.replay}`).toEqual([]);
    expect(k.digests.length, `${n} ${c.replay}`).toBe(total);
    for (const p of publishers) expect(k.countFrom(p)).toBe(perPublisher);
  }
  for (const n of names) {
    if (subscribers.includes(n)) expect(c.bytesOf(n, "A"), n).toBeGreaterThan(0);
    else expect(c.bytesOf(n, "A"), `${n} is not subscribed ${c.replay}`).toBe(0);
  }
}, 120_000);

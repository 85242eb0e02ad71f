import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { Cluster, nodeNames, seedFor } from "./harness.js";

it("rotating the key across a running cluster suspects no one; a node left on the old key is dropped and counted", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const c = new Cluster({ seed: seedFor(31), keys: [oldKey], config: { label: "prod" } });
  const names = nodeNames(12);
  c.addMany(names);
  c.joinAll(names, "n1");
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);

  // Rotation, one node at a time and a few seconds apart, as an operator would.
  for (const n of names) {
    c.keyrings.get(n)?.install(newKey);
    c.sim.runFor("2s");
  }
  for (const n of names) {
    c.keyrings.get(n)?.use(newKey);
    c.sim.runFor("2s");
  }
  for (const n of names) {
    c.keyrings.get(n)?.remove(oldKey);
    c.sim.runFor("2s");
  }
  c.sim.runFor("30s");
  expect(c.eventsOf("suspect"), c.replay).toEqual([]);
  expect(c.counter("overlay_dropped_total", { reason: "decrypt" })).toBe(0);
  expect(c.allSeeAlive(names), c.replay).toBe(true);

  // A node still on the old key cannot talk to the cluster: its packets are dropped and counted.
  const stale = c.add("stale", {}, "stale");
  c.keyrings.get("stale")?.install(oldKey);
  stale.join([c.address("n1")]);
  c.sim.runFor("5s");
  expect(c.node("n1").member("stale")).toBeUndefined();
  expect(c.counter("overlay_dropped_total", { reason: "decrypt" })).toBeGreaterThan(0);
});

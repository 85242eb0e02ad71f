import { expect, it } from "vitest";
import { Cluster, nodeNames, seedFor } from "./harness.js";

it("a 50/50 partition for 60 s heals into one cluster with everyone alive, without restarts", () => {
  const c = new Cluster({ seed: seedFor(21) });
  const names = nodeNames(40);
  c.addMany(names);
  c.joinAll(names, "n1");
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);

  const left = names.slice(0, 20);
  const right = names.slice(20);
  c.sim.partition(left, right);
  c.sim.runFor("60s");
  // Each side has given up on the other.
  expect(
    left.every((o) => right.every((t) => c.view(o, t) === "dead")),
    c.replay,
  ).toBe(true);
  expect(
    right.every((o) => left.every((t) => c.view(o, t) === "dead")),
    c.replay,
  ).toBe(true);

  c.sim.heal();
  const t0 = c.sim.nowMs();
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "120s"),
    c.replay,
  ).toBe(true);
  console.log(`partition healed in ${((c.sim.nowMs() - t0) / 1000).toFixed(1)} s (${c.replay})`);
  // And it stays healed.
  c.sim.runFor("30s");
  expect(c.allSeeAlive(names), c.replay).toBe(true);
});

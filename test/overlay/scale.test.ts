import { expect, it } from "vitest";
import { Cluster, nodeNames, seedFor } from "./harness.js";

it("1,000 nodes joining through one seed all list 1,000 alive", () => {
  const c = new Cluster({ seed: seedFor(51) });
  c.recordEvents = false;
  const names = nodeNames(1000);
  c.addMany(names);
  c.joinAll(names, "n1", 10); // one join every 10 ms, through n1 only
  const converged = c.sim.runUntil(() => c.allSeeAlive(names), "120s", 1000);
  console.log(
    `1,000 nodes converged at t=${c.sim.nowMs() / 1000} s; ${c.sim.stats.packetsSent} packets (${c.replay})`,
  );
  expect(converged, c.replay).toBe(true);
  for (const n of ["n1", "n500", "n1000"]) expect(c.node(n).liveMembers()).toHaveLength(1000);
  expect(c.counter("overlay_failures_total"), c.replay).toBe(0);
}, 180_000);

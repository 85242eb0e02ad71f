import { describe, expect, it } from "vitest";
import { Cluster, nodeNames, seedFor } from "./harness.js";

function lossyRun(seed: number, tcpFallbackProbe: boolean): { c: Cluster; suspicions: number } {
  const c = new Cluster({ seed, loss: 0.1, config: { tcpFallbackProbe } });
  const names = nodeNames(100);
  c.addMany(names);
  c.joinAll(names, "n1", 20);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "60s"),
    c.replay,
  ).toBe(true);
  c.sim.runFor("10m");
  const suspicions = new Set(c.eventsOf("suspect").map((e) => `${e.member.name}@${e.member.incarnation}`))
    .size;
  console.log(
    `10% loss, tcp fallback ${tcpFallbackProbe ? "on" : "off"}: ${suspicions} suspicions, ` +
      `${c.sim.stats.packetsDropped}/${c.sim.stats.packetsSent} packets lost (${c.replay})`,
  );
  expect(c.eventsOf("fail"), c.replay).toEqual([]);
  expect(c.allSeeAlive(names), c.replay).toBe(true);
  return { c, suspicions };
}

describe("100 nodes, 10% packet loss, 10 simulated minutes", () => {
  it("zero false dead declarations", () => {
    lossyRun(seedFor(41), true);
  }, 120_000);

  it("zero false dead even over UDP alone, where suspicions do happen and get refuted", () => {
    const { suspicions } = lossyRun(seedFor(42), false);
    expect(suspicions).toBeGreaterThan(0);
  }, 120_000);
});

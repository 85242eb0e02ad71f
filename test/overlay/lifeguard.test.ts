import { expect, it } from "vitest";
import { SeededRng } from "../../src/transport/index.js";
import { Cluster, nodeNames, seedFor } from "./harness.js";

interface StallRun {
  falseSuspicions: number;
  falseDeaths: number;
  replay: string;
}

const STALL_MS = [
  Number(process.env["STALL_MIN"] ?? 1000),
  Number(process.env["STALL_MAX"] ?? 3000),
] as const;
const RUN_MS = [Number(process.env["RUN_MIN"] ?? 1), Number(process.env["RUN_MAX"] ?? 20)] as const;

/** 100 nodes; 5 of them (5%) keep stalling: long pauses with only brief moments of progress between. */
function stallingCluster(seed: number, lifeguard: boolean): StallRun {
  const c = new Cluster({ seed, config: { lifeguard } });
  const names = nodeNames(100);
  const stallers = new Set(["n10", "n30", "n50", "n70", "n90"]);
  c.addMany(names);
  c.joinAll(names, "n1");
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  c.events.length = 0;

  const rng = new SeededRng(seed ^ 0x5eed);
  const end = c.sim.nowMs() + 5 * 60_000;
  const pause = (n: string): void => {
    if (c.sim.nowMs() >= end) return;
    const stall = STALL_MS[0] + rng.next() * (STALL_MS[1] - STALL_MS[0]);
    const run = RUN_MS[0] + rng.next() * (RUN_MS[1] - RUN_MS[0]);
    c.sim.stall(n, stall);
    c.sim.at(c.sim.nowMs() + stall + run, () => pause(n));
  };
  for (const n of stallers) c.sim.at(c.sim.nowMs() + rng.next() * 1000, () => pause(n));
  c.sim.runFor("5m");

  const healthy = (name: string): boolean => !stallers.has(name);
  const falseSuspicions = new Set(
    c
      .eventsOf("suspect")
      .filter((e) => healthy(e.member.name))
      .map((e) => `${e.member.name}@${e.member.incarnation}`),
  ).size;
  const falseDeaths = c.eventsOf("fail").filter((e) => healthy(e.member.name)).length;
  return { falseSuspicions, falseDeaths, replay: c.replay };
}

it("Lifeguard cuts false suspicions of healthy nodes at least 10x when 5% of nodes keep stalling", () => {
  const seed = seedFor(61);
  const off = stallingCluster(seed, false);
  const on = stallingCluster(seed, true);
  const ratio = off.falseSuspicions / Math.max(1, on.falseSuspicions);
  console.log(
    `false suspicions of healthy nodes: SWIM ${off.falseSuspicions}, Lifeguard ${on.falseSuspicions} ` +
      `(ratio ${ratio.toFixed(1)}x); false deaths: SWIM ${off.falseDeaths}, Lifeguard ${on.falseDeaths} (${on.replay})`,
  );
  expect(
    off.falseSuspicions,
    `the scenario must provoke false suspicions (${off.replay})`,
  ).toBeGreaterThanOrEqual(20);
  expect(ratio, on.replay).toBeGreaterThanOrEqual(10);
  expect(on.falseDeaths, on.replay).toBe(0);
}, 120_000);

import { describe, expect, it } from "vitest";
import { describeResult, runSeed } from "./run.js";
import { FIXED_SEEDS, KNOWN_BUGS, KNOWN_FAILING } from "./seeds.js";

// The swarm (test/swarm/README.md): whole simulated nodes under a random
// fault schedule per seed, invariants checked along the way and at the end.
// A failure prints its seed, its violations and the command that replays it.

const run = async (seed: number): Promise<void> => {
  const r = await runSeed(seed, { print: () => {} });
  expect(r.ok, describeResult(r)).toBe(true);
};

describe("swarm: fixed seeds", () => {
  for (let seed = 1; seed <= FIXED_SEEDS; seed++) {
    if (KNOWN_FAILING[seed] !== undefined) continue;
    it(`seed ${seed}`, () => run(seed));
  }
});

describe("swarm: seeds that show a known, reported bug (an expected failure until it is fixed)", () => {
  for (const [seed, bug] of Object.entries(KNOWN_FAILING)) {
    it.fails(`seed ${seed}: bug ${bug}: ${KNOWN_BUGS[bug]}`, () => run(Number(seed)));
  }
});

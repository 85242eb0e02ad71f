/**
 * The fixed seeds `make test` runs (test/swarm/swarm-*.test.ts), and the
 * seeds that break an invariant today, each with the bug it shows. A known
 * seed runs as an expected failure: once its bug is fixed that test fails,
 * saying so, and the seed moves back into the plain set.
 */

/** Seeds 1..FIXED_SEEDS run in `make test` (about 0.1-0.5 s of wall time each). */
export const FIXED_SEEDS = 300;

/** Bugs the swarm found that are not fixed yet (diagnosis in test/swarm/README.md). */
export const KNOWN_BUGS: Readonly<Record<string, string>> = {
  F:
    "a slow consumer resubscribing (attached twice) after a SLOW_CONSUMER gap: a stretch of one stream is " +
    "neither delivered nor named by a gap",
};

/** Seeds within 1..FIXED_SEEDS that break an invariant today, by bug (from `npm run swarm -- --seeds 1000`). */
export const KNOWN_FAILING: Readonly<Record<number, keyof typeof KNOWN_BUGS>> = {
  62: "F",
};

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
  A:
    "a sync answer leaves out every stream whose origin is the asker (anti-entropy.ts answer: s.origin !== peer), " +
    "old epochs included: a node restarted without its data dir never gets its own earlier epoch back",
  B:
    "backfill of an earliest (or resumed) subscription takes 'no node answered' (holder partitioned away, " +
    "stalled or declared dead) for 'no node holds it': the position moves past digests still held, silently",
  C:
    "a publisher with no subscriptions of its own never runs anti-entropy (round() returns when myTypes is " +
    "empty): a stream whose pushes were all lost is never found after the heal",
  E:
    "an origin whose own log holds less of its stream than its peers (smaller retention) does not backfill " +
    "an earliest subscriber at itself from them: silence, or a RETENTION_EXPIRED gap for what peers hold",
  F:
    "a slow consumer that overflows while a backfill of a stream waits for queue room: the position moves " +
    "past the backfilled stretch, which is never delivered, and the gap names only the live overflow",
};

/** Seeds within 1..FIXED_SEEDS that break an invariant today, by bug (from `npm run swarm -- --seeds 1000`). */
export const KNOWN_FAILING: Readonly<Record<number, keyof typeof KNOWN_BUGS>> = {
  62: "F",
  156: "B",
  197: "E",
};

import { describe, expect, it } from "vitest";
import { type StepResult, stateKey, type WatchState, Watcher } from "../../src/watch/index.js";
import { FakeClock } from "./fake-clock.js";

const inst = (id: string, port: number, tags: Record<string, string> = {}) => ({
  id,
  name: "kafka",
  node: "n1",
  address: "10.0.0.1",
  port,
  tags,
});
const svc = (...instances: ReturnType<typeof inst>[]): WatchState => ({
  kind: "service",
  service: "kafka",
  instances,
});

/** A watcher over a state the test sets, recording what it applied. */
function harness(opts: { failApply?: (n: number) => boolean; quietMs?: number } = {}) {
  const clock = new FakeClock();
  let state: WatchState = svc();
  let fetchError: Error | null = null;
  const applied: WatchState[] = [];
  const steps: StepResult["kind"][] = [];
  const w = new Watcher<WatchState>({
    clock,
    debounce: { quietMs: opts.quietMs ?? 500, maxWaitMs: 5_000 },
    fetch: async () => {
      if (fetchError) throw fetchError;
      return state;
    },
    key: stateKey,
    apply: async (s) => {
      applied.push(s);
      return !(opts.failApply?.(applied.length) ?? false);
    },
    onStep: (r) => steps.push(r.kind),
    fetchRetryMs: 1_000,
    fetchRetryMaxMs: 4_000,
  });
  return {
    clock,
    w,
    applied,
    steps,
    set: (s: WatchState) => (state = s),
    failFetch: (e: Error | null) => (fetchError = e),
  };
}

describe("Watcher: change detection on a fake clock", () => {
  it("applies the start state once, then only real changes; order and duplicates do not count", async () => {
    const h = harness();
    h.w.changed();
    await h.clock.advance(500);
    expect(h.applied).toEqual([svc()]);

    // Three registrations in quick succession, each with its own event: one apply with all three.
    for (const i of [0, 1, 2]) {
      h.set(svc(...[9092, 9093, 9094].slice(0, i + 1).map((q) => inst(`k${q}`, q))));
      h.w.changed();
      await h.clock.advance(100);
    }
    await h.clock.advance(500);
    expect(h.applied.length).toBe(2);
    expect((h.applied[1] as { instances: unknown[] }).instances).toHaveLength(3);

    // Same set in another order, events repeated: nothing to do.
    h.set(svc(inst("k9094", 9094), inst("k9092", 9092), inst("k9093", 9093)));
    h.w.changed();
    h.w.changed();
    await h.clock.advance(1_000);
    expect(h.applied.length).toBe(2);
    expect(h.steps.at(-1)).toBe("unchanged");

    // One leaves.
    h.set(svc(inst("k9092", 9092), inst("k9093", 9093)));
    h.w.changed();
    await h.clock.advance(500);
    expect(h.applied.length).toBe(3);
  });

  it("a failed apply is retried on the next change, even when the state is the same as the failed one", async () => {
    const h = harness({ failApply: (n) => n === 2 });
    h.w.changed();
    await h.clock.advance(500);
    h.set(svc(inst("a", 1)));
    h.w.changed();
    await h.clock.advance(500);
    expect(h.steps).toEqual(["applied", "failed"]);
    // Not retried by itself: only on the next change.
    await h.clock.advance(60_000);
    expect(h.applied.length).toBe(2);
    h.w.changed(); // e.g. a TTL refresh event: same state
    await h.clock.advance(500);
    expect(h.steps).toEqual(["applied", "failed", "applied"]);
    expect(h.applied[2]).toEqual(h.applied[1]);
    h.w.changed();
    await h.clock.advance(500);
    expect(h.steps.at(-1)).toBe("unchanged");
  });

  it("an unreadable state is retried by itself with doubling delays, then applied once readable", async () => {
    const h = harness({ quietMs: 0 });
    h.failFetch(new Error("UNAVAILABLE"));
    h.w.changed();
    await h.clock.advance(0);
    expect(h.steps).toEqual(["fetch-failed"]);
    await h.clock.advance(1_000); // retry 1 (1 s)
    await h.clock.advance(2_000); // retry 2 (2 s)
    await h.clock.advance(4_000); // retry 3 (4 s, the cap)
    await h.clock.advance(4_000); // retry 4 (still 4 s)
    expect(h.steps).toEqual(Array(5).fill("fetch-failed"));
    h.failFetch(null);
    await h.clock.advance(4_000);
    expect(h.steps.at(-1)).toBe("applied");
    await h.clock.advance(60_000);
    expect(h.steps.length).toBe(6);
  });

  it("an initial key already in effect (e.g. the file's text) is not applied again", async () => {
    const clock = new FakeClock();
    let applies = 0;
    const w = new Watcher<WatchState>(
      {
        clock,
        debounce: { quietMs: 10, maxWaitMs: 10 },
        fetch: async () => svc(),
        key: stateKey,
        apply: async () => ++applies > 0,
      },
      stateKey(svc()),
    );
    w.changed();
    await clock.advance(100);
    expect(applies).toBe(0);
    await w.stop();
    w.changed();
    await clock.advance(100);
    expect(clock.pendingTimers).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { Debouncer } from "../../src/watch/index.js";
import { FakeClock, settle } from "./fake-clock.js";

/** A run that records its start time and finishes when the test says so. */
function recorder(clock: FakeClock) {
  const starts: number[] = [];
  const finishers: (() => void)[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const run = () =>
    new Promise<void>((resolve) => {
      starts.push(clock.nowMs());
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      finishers.push(() => {
        concurrent--;
        resolve();
      });
    });
  return {
    starts,
    run,
    finishAll: async () => {
      for (const f of finishers.splice(0)) f();
      await settle();
    },
    maxConcurrent: () => maxConcurrent,
  };
}

describe("Debouncer (fake clock)", () => {
  it("runs once per burst, quietMs after the last change", async () => {
    const clock = new FakeClock();
    const r = recorder(clock);
    const d = new Debouncer(clock, { quietMs: 500, maxWaitMs: 5_000 }, r.run);
    d.poke();
    await clock.advance(200);
    d.poke();
    await clock.advance(200);
    d.poke(); // last change at t=400
    await clock.advance(899 - 400);
    expect(r.starts).toEqual([]);
    await clock.advance(1);
    expect(r.starts).toEqual([900]);
    await r.finishAll();
    await clock.advance(10_000);
    expect(r.starts).toEqual([900]);
  });

  it("a change every 100 ms (flapping) still runs every maxWaitMs, not never and not per change", async () => {
    const clock = new FakeClock();
    const r = recorder(clock);
    const d = new Debouncer(clock, { quietMs: 500, maxWaitMs: 2_000 }, async () => {
      await r.run();
    });
    for (let t = 0; t < 6_000; t += 100) {
      d.poke();
      await clock.advance(100);
      await r.finishAll();
    }
    // Bursts begin at 0, 2000(+) and 4000(+): at most one run per maxWaitMs.
    expect(r.starts.length).toBe(3);
    expect(r.starts[0]).toBe(2_000);
    for (let i = 1; i < r.starts.length; i++)
      expect(r.starts[i]! - r.starts[i - 1]!).toBeGreaterThanOrEqual(2_000);
  });

  it("never runs two at once: changes during a run make exactly one more run after it", async () => {
    const clock = new FakeClock();
    const r = recorder(clock);
    const d = new Debouncer(clock, { quietMs: 100, maxWaitMs: 1_000 }, r.run);
    d.poke();
    await clock.advance(100);
    expect(r.starts).toEqual([100]);
    for (let i = 0; i < 10; i++) {
      d.poke();
      await clock.advance(300); // the run is still going; its quiet time passes meanwhile
    }
    expect(r.starts).toEqual([100]);
    expect(d.busy).toBe(true);
    expect(d.pending).toBe(true);
    await r.finishAll(); // due long ago: the next run starts at once (a 0 ms timer)
    await clock.advance(0);
    expect(r.starts).toEqual([100, 3_100]);
    await r.finishAll();
    await clock.advance(5_000);
    expect(r.starts.length).toBe(2);
    expect(r.maxConcurrent()).toBe(1);
  });

  it("quietMs 0 runs on the next tick; stop() waits for the run and cancels what is pending", async () => {
    const clock = new FakeClock();
    const r = recorder(clock);
    const d = new Debouncer(clock, { quietMs: 0, maxWaitMs: 0 }, r.run);
    d.poke();
    await clock.advance(0);
    expect(r.starts).toEqual([0]);
    d.poke();
    let stopped = false;
    const stopping = d.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await r.finishAll();
    await stopping;
    d.poke();
    await clock.advance(1_000);
    expect(r.starts).toEqual([0]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a run that rejects is reported and does not stop later runs", async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let runs = 0;
    const d = new Debouncer(
      clock,
      { quietMs: 10, maxWaitMs: 10 },
      async () => {
        runs++;
        throw new Error("boom");
      },
      (e) => errors.push(e),
    );
    d.poke();
    await clock.advance(10);
    d.poke();
    await clock.advance(10);
    expect(runs).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(["boom", "boom"]);
  });
});

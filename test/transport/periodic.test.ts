import { describe, expect, it } from "vitest";
import { periodic, SimNetwork } from "../../src/transport/index.js";

describe("periodic", () => {
  it("fires after the first delay, then after each delay the tick returns, until null or stop()", () => {
    const sim = new SimNetwork({ seed: 1 });
    const { clock } = sim.addHost("a");
    const at: number[] = [];
    const delays = [20, 30, null];
    const t = periodic(clock, 5, () => (at.push(clock.nowMs()), delays.shift() ?? null));
    sim.runFor("1s");
    expect(at).toEqual([5, 25, 55]);
    expect(t.active).toBe(false);

    const fixed: number[] = [];
    const f = periodic(clock, 0, () => (fixed.push(clock.nowMs()), 100));
    sim.runFor("250ms");
    f.stop();
    f.stop();
    sim.runFor("1s");
    expect(fixed.map((ms) => ms - 1000)).toEqual([0, 100, 200]);
    expect(f.active).toBe(false);
  });

  it("stops for good when stopped from inside its own tick", () => {
    const sim = new SimNetwork({ seed: 1 });
    const { clock } = sim.addHost("a");
    let runs = 0;
    const t = periodic(clock, 10, () => {
      runs++;
      t.stop();
      return 10;
    });
    sim.runFor("1s");
    expect(runs).toBe(1);
  });
});

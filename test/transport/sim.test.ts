import { describe, expect, it } from "vitest";
import { SeededRng, SimNetwork, toMs, type SimHost } from "../../src/transport/index.js";

function recorder(h: SimHost, log: string[]): void {
  h.transport.onPacket((from, data) =>
    log.push(`${h.clock.nowMs().toFixed(3)} ${from}->${h.name} ${data[0]}`),
  );
}

function chatter(seed: number): string[] {
  const sim = new SimNetwork({ seed, jitterMs: 5, loss: 0.2, duplicate: 0.1 });
  const a = sim.addHost("a");
  const b = sim.addHost("b");
  const log: string[] = [];
  recorder(b, log);
  for (let i = 0; i < 50; i++) sim.at(i, () => a.transport.sendPacket(b.address, Uint8Array.of(i)));
  sim.runFor("1s");
  return log;
}

describe("simulator", () => {
  it("replays identically from a seed and differs across seeds", () => {
    expect(chatter(5)).toEqual(chatter(5));
    expect(chatter(5)).not.toEqual(chatter(6));
  });

  it("seeded rng is deterministic and uniform enough", () => {
    const r = new SeededRng(1);
    const xs = Array.from({ length: 10_000 }, () => r.next());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(new SeededRng(1).next()).toBe(new SeededRng(1).next());
  });

  it("applies loss, duplication and latency with jitter (which reorders)", () => {
    const sim = new SimNetwork({ seed: 3, latencyMs: 10, jitterMs: 20, loss: 0.1, duplicate: 0.05 });
    const a = sim.addHost("a");
    const b = sim.addHost("b");
    const got: number[] = [];
    b.transport.onPacket((_f, d) => got.push((d[0] as number) | ((d[1] as number) << 8)));
    for (let i = 0; i < 2000; i++)
      sim.at(i, () => a.transport.sendPacket(b.address, Uint8Array.of(i & 255, i >> 8)));
    sim.runFor("3s");
    expect(got.length).toBeGreaterThan(1750);
    expect(got.length).toBeLessThan(1950);
    expect(new Set(got).size).toBeLessThan(got.length);
    expect(got.some((x, i) => i > 0 && x < (got[i - 1] as number))).toBe(true);
  });

  it("partitions symmetrically and one way, and heals", () => {
    const sim = new SimNetwork({ seed: 1 });
    const [n1, n2, n3] = ["n1", "n2", "n3"].map((n) => sim.addHost(n)) as [SimHost, SimHost, SimHost];
    const log: string[] = [];
    [n1, n2, n3].forEach((h) => recorder(h, log));
    const all = (): void => {
      for (const x of [n1, n2, n3])
        for (const y of [n1, n2, n3]) if (x !== y) x.transport.sendPacket(y.address, Uint8Array.of(0));
    };
    sim.partition(["n1", "n2"], ["n3"]);
    all();
    sim.runFor("1s");
    expect(log.filter((l) => l.includes("n3"))).toEqual([]);
    expect(log).toHaveLength(2);
    log.length = 0;
    sim.heal();
    sim.partitionOneWay(["n1"], ["n2"]);
    all();
    sim.runFor("1s");
    expect(log.some((l) => l.includes("n1:7946->n2"))).toBe(false);
    expect(log.some((l) => l.includes("n2:7946->n1"))).toBe(true);
    expect(log).toHaveLength(5);
  });

  it("a crashed node loses its timers and traffic; a restart is a fresh process", () => {
    const sim = new SimNetwork({ seed: 1 });
    const a = sim.addHost("a");
    let fired = 0;
    a.clock.setTimer(100, () => fired++);
    sim.crash("a");
    sim.runFor("1s");
    expect(fired).toBe(0);
    const a2 = sim.restart("a");
    a2.clock.setTimer(100, () => fired++);
    a.clock.setTimer(100, () => fired++);
    sim.runFor("1s");
    expect(fired).toBe(1);
  });

  it("a stalled node runs due timers first, then queued packets, when it resumes", () => {
    const sim = new SimNetwork({ seed: 1 });
    const a = sim.addHost("a");
    const b = sim.addHost("b");
    const order: string[] = [];
    b.transport.onPacket(() => order.push(`packet@${sim.nowMs()}`));
    b.clock.setTimer(500, () => order.push(`timer@${sim.nowMs()}`));
    sim.stall("b", 1000);
    sim.at(100, () => a.transport.sendPacket(b.address, Uint8Array.of(1)));
    sim.runFor("2s");
    expect(order).toEqual(["timer@1000", "packet@1000"]);
  });

  it("stream requests get a reply, time out when partitioned, are refused by a dead node", () => {
    const sim = new SimNetwork({ seed: 1 });
    const a = sim.addHost("a");
    const b = sim.addHost("b");
    sim.addHost("c");
    b.transport.onStream((_from, data, reply) => reply(Uint8Array.of((data[0] as number) + 1)));
    const results: string[] = [];
    a.transport.request(b.address, Uint8Array.of(41), 1000, (r) =>
      results.push(r.ok ? `ok ${r.data[0]}` : r.error),
    );
    sim.runFor("2s");
    sim.partition(["a"], ["b"]);
    a.transport.request(b.address, Uint8Array.of(1), 1000, (r) => results.push(r.ok ? "ok" : r.error));
    sim.runFor("2s");
    sim.crash("c");
    a.transport.request("c:7946", Uint8Array.of(1), 1000, (r) => results.push(r.ok ? "ok" : r.error));
    sim.runFor("2s");
    expect(results).toEqual(["ok 42", "timeout", "refused"]);
  });

  it("parses durations", () => {
    expect(toMs("30s")).toBe(30_000);
    expect(toMs("250ms")).toBe(250);
    expect(toMs("2m")).toBe(120_000);
    expect(toMs(5)).toBe(5);
    expect(() => toMs("soon" as never)).toThrow();
  });

  it("gives each host its own clock offset and drift; its timers run on its own clock", () => {
    const sim = new SimNetwork({ seed: 9 });
    const fast = sim.addHost("fast");
    const plain = sim.addHost("plain");
    sim.setClock("fast", { offsetMs: 5000, drift: 0.01 });
    expect(fast.clock.nowMs()).toBe(5000);
    let firedAt = -1;
    fast.clock.setTimer(1010, () => (firedAt = sim.nowMs()));
    sim.runFor(2000);
    // 1010 ms on a clock 1 % fast are 1000 ms of virtual time.
    expect(firedAt).toBeCloseTo(1000, 6);
    expect(fast.clock.nowMs()).toBeCloseTo(5000 + 2000 * 1.01, 6);
    expect(plain.clock.nowMs()).toBe(2000);
    // The machine's clock, kept across a restart.
    const again = sim.restart("fast");
    expect(again.clock.nowMs()).toBeCloseTo(sim.localTime("fast"), 6);
    expect(sim.localTime("fast")).toBeGreaterThan(sim.nowMs());
  });
});

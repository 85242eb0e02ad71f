import { describe, expect, it } from "vitest";
import {
  BeaconProtocol,
  type ClusterView,
  DEFAULT_BEACON_LIMITS,
  encodeBeacon,
  JoinGate,
} from "../../src/discovery/index.js";
import { SeededRng } from "../../src/transport/index.js";

const self = { cluster: "prod", node: "me", address: "10.0.0.1:7946" };
const from = (node: string, members = 1, address = `${node}.lan:7946`) =>
  encodeBeacon({ cluster: "prod", node, address, members }, null);

/** A view of `n` live members, knowing the given names. */
const view = (n: number, known: string[] = []): ClusterView => ({
  liveCount: () => n,
  isLive: (name) => known.includes(name),
});

const protocol = (intervalMs = 1_000) =>
  new BeaconProtocol(self, null, intervalMs, DEFAULT_BEACON_LIMITS, new SeededRng(1));

describe("beacon protocol", () => {
  it("beacons every intervalMs x N (capped at 60 s), with +-10% jitter", () => {
    const p = protocol();
    for (const [n, period] of [
      [1, 1_000],
      [5, 5_000],
      [1_000, 60_000],
    ] as const) {
      const { nextInMs } = p.beacon(view(n));
      expect(nextInMs).toBeGreaterThanOrEqual(period * 0.9);
      expect(nextInMs).toBeLessThanOrEqual(period * 1.1);
    }
  });

  it("a lone node joins the first unknown sender at once", () => {
    const d = protocol().receive(from("n2"), 0, view(1));
    expect(d).toMatchObject({ action: "join", afterMs: 0, beacon: { node: "n2", address: "n2.lan:7946" } });
  });

  it("ignores its own beacons and members it knows", () => {
    const p = protocol();
    expect(p.receive(from("me"), 0, view(1))).toMatchObject({ action: "ignore", reason: "self" });
    expect(p.receive(from("x", 1, self.address), 0, view(1))).toMatchObject({ reason: "self" });
    expect(p.receive(from("n2"), 0, view(2, ["n2"]))).toMatchObject({ action: "ignore", reason: "known" });
  });

  it("ignores loopback addresses unless it is on loopback itself, and the other way round", () => {
    expect(protocol().receive(from("lo", 1, "127.0.0.1:7946"), 0, view(1))).toMatchObject({
      reason: "unreachable",
    });
    const onLoopback = new BeaconProtocol(
      { ...self, address: "127.0.0.1:7000" },
      null,
      1_000,
      DEFAULT_BEACON_LIMITS,
      new SeededRng(1),
    );
    expect(onLoopback.receive(from("lan"), 0, view(1))).toMatchObject({ reason: "unreachable" });
    expect(onLoopback.receive(from("lo", 1, "127.0.0.1:7001"), 0, view(1)).action).toBe("join");
  });

  it("in a cluster, leaves lone senders to join it", () => {
    expect(protocol().receive(from("new", 1), 0, view(5))).toMatchObject({ reason: "sender-alone" });
  });

  it("in a cluster, joins another group after a delay and checks again when it is due", () => {
    const p = protocol();
    const d = p.receive(from("other", 3), 0, view(5));
    expect(d.action).toBe("join");
    if (d.action !== "join") return;
    expect(d.afterMs).toBeGreaterThan(0);
    expect(d.afterMs).toBeLessThanOrEqual(400);
    expect(p.receive(from("other", 3), 1, view(5))).toMatchObject({ reason: "pending" });
    expect(p.due(d.beacon, d.afterMs, view(5))).toBe("join");
    const again = p.receive(from("late", 3), 2_000, view(5));
    if (again.action !== "join") throw new Error("expected a join");
    expect(p.due(again.beacon, 2_500, view(6, ["late"]))).toBe("known");
  });

  it("rate-limits joins: one per second, one per sender address per 10 s", () => {
    const p = protocol();
    expect(p.receive(from("a"), 0, view(1)).action).toBe("join");
    expect(p.receive(from("b"), 500, view(1))).toMatchObject({ reason: "rate-limited" });
    expect(p.receive(from("b"), 1_000, view(1)).action).toBe("join");
    expect(p.receive(from("a"), 5_000, view(1))).toMatchObject({ reason: "cooldown" });
    expect(p.receive(from("a"), 10_000, view(1)).action).toBe("join");
  });

  it("bounds the joins waiting for their delay", () => {
    const p = protocol();
    const decisions = Array.from({ length: 12 }, (_, i) => p.receive(from(`g${i}`, 2), 0, view(3)));
    expect(decisions.filter((d) => d.action === "join")).toHaveLength(DEFAULT_BEACON_LIMITS.maxPendingJoins);
    expect(decisions.at(-1)).toMatchObject({ reason: "busy" });
  });

  it("drops what is not a beacon of its cluster", () => {
    const p = protocol();
    expect(p.receive(Buffer.from("hello"), 0, view(1))).toEqual({ action: "drop", reason: "bad-magic" });
    const other = encodeBeacon({ cluster: "dev", node: "n", address: "h:1", members: 1 }, null);
    expect(p.receive(other, 0, view(1))).toEqual({ action: "drop", reason: "other-cluster" });
  });

  it("refuses to start with fields it could not encode", () => {
    expect(
      () => new BeaconProtocol({ ...self, node: "" }, null, 1_000, DEFAULT_BEACON_LIMITS, new SeededRng(1)),
    ).toThrow(/node/);
  });
});

describe("join gate", () => {
  it("forgets the oldest sender beyond its bound", () => {
    const g = new JoinGate(0, 10_000, 3);
    for (const a of ["a", "b", "c", "d"]) g.record(a, 0);
    expect(g.tracked).toBe(3);
    expect(g.check("a", 1)).toBe("ok");
    expect(g.check("d", 1)).toBe("cooldown");
  });
});

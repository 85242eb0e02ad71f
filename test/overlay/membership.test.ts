import { describe, expect, it } from "vitest";
import { Cluster, nodeNames, seedFor, type ClusterOptions } from "./harness.js";

function formed(n: number, seed: number, config?: ClusterOptions["config"]): { c: Cluster; names: string[] } {
  const c = new Cluster({ seed, config });
  const names = nodeNames(n);
  c.addMany(names);
  c.joinAll(names, "n1");
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  return { c, names };
}

describe("membership in the simulator", () => {
  it("a crashed node is declared dead by every member", () => {
    const { c, names } = formed(10, seedFor(11));
    c.crash("n4");
    const t0 = c.sim.nowMs();
    expect(
      c.sim.runUntil(() => c.allSee("n4", "dead"), "60s"),
      c.replay,
    ).toBe(true);
    expect(c.sim.nowMs() - t0).toBeLessThan(30_000);
    expect(
      c
        .eventsOf("fail", "n4")
        .map((e) => e.observer)
        .sort(),
    ).toEqual(names.filter((n) => n !== "n4").sort());
    expect(
      c.eventsOf("fail").filter((e) => e.member.name !== "n4"),
      c.replay,
    ).toEqual([]);
  });

  it("a node that leaves is seen as left, not failed", () => {
    const { c } = formed(10, seedFor(12));
    let done = false;
    c.node("n5").leave(() => (done = true));
    expect(
      c.sim.runUntil(() => done && c.allSee("n5", "left"), "30s"),
      c.replay,
    ).toBe(true);
    c.sim.runFor("30s");
    expect(c.allSee("n5", "left"), c.replay).toBe(true);
    expect(c.eventsOf("fail"), c.replay).toEqual([]);
    expect(c.eventsOf("leave", "n5")).toHaveLength(9);
  });

  it("preload lists members alive without gossip or events, and the cluster then runs as if joined", () => {
    const c = new Cluster({ seed: seedFor(15) });
    const names = nodeNames(20);
    c.addMany(names, { maxMembers: 25 });
    const list = names.map((name) => ({ name, address: `${name}:7946` }));
    for (const n of names) expect(c.node(n).preload(list)).toBe(names.length - 1);
    expect(c.node("n1").preload([...list, { name: "n1", address: "elsewhere:1" }])).toBe(0);
    expect(c.events, "no events").toEqual([]);
    expect(c.allSeeAlive(names), c.replay).toBe(true);
    // Bounded by maxMembers; the unreachable extras are only ever known to n1.
    const extra = nodeNames(10, "x").map((name) => ({ name, address: `${name}:1` }));
    expect(c.node("n1").preload(extra)).toBe(5);
    c.sim.runFor("20s");
    expect(
      c.eventsOf("fail").filter((e) => !e.member.name.startsWith("x")),
      c.replay,
    ).toEqual([]);
    c.crash("n7");
    expect(
      c.sim.runUntil(() => c.allSee("n7", "dead"), "60s"),
      c.replay,
    ).toBe(true);
  });

  it("a member that missed a leave and suspects the node learns it left, not failed", () => {
    const { c, names } = formed(5, seedFor(16), { pushPullIntervalMs: 600_000 });
    // n4 hears nothing while n3's leave is gossiped and its retransmits run out.
    const others = names.filter((n) => n !== "n4");
    c.sim.partitionOneWay(others, ["n4"]);
    c.node("n3").leave();
    c.sim.runFor("3s");
    c.sim.heal();
    expect(c.view("n4", "n3"), c.replay).not.toBe("left");
    // n4 probes the stopped n3, suspects it, and is told by those who know that n3 left.
    expect(
      c.sim.runUntil(() => c.allSee("n3", "left"), "60s"),
      `${c.replay}; n3 as seen by ${others.map((n) => `${n}: ${c.view(n, "n3")}`).join(", ")}, n4: ${c.view("n4", "n3")}`,
    ).toBe(true);
    // Only n4, cut off, may have judged n3 failed on its own before it heard of the leave.
    expect(
      c.eventsOf("fail", "n3").filter((e) => e.observer !== "n4"),
      c.replay,
    ).toEqual([]);
  });

  it("a restarted node rejoins with a higher incarnation and everyone sees it alive", () => {
    const { c, names } = formed(8, seedFor(13));
    const before = c.node("n1").member("n6")?.incarnation ?? -1;
    c.crash("n6");
    expect(
      c.sim.runUntil(() => c.allSee("n6", "dead"), "60s"),
      c.replay,
    ).toBe(true);
    c.restart("n6", "n1");
    expect(
      c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
      c.replay,
    ).toBe(true);
    expect(c.node("n6").localMember().incarnation).toBeGreaterThan(before);
    expect(c.eventsOf("join", "n6").length).toBeGreaterThanOrEqual(7);
  });

  it("a second node claiming a live member's name is refused with a log line and a counter", () => {
    const { c, names } = formed(5, seedFor(14));
    const errors: string[] = [];
    const impostor = c.add("n3", {}, "impostor");
    impostor.join([c.address("n1")], (r) => errors.push(...r.errors.map((e) => e.error)));
    c.sim.runFor("10s");
    expect(errors).toEqual(["name-conflict"]);
    expect(c.counter("overlay_name_conflicts_total")).toBeGreaterThan(0);
    expect(c.node("n1").member("n3")?.address).toBe("n3:7946");
    expect(
      names.every((n) => c.view(n, "n3") === "alive" && c.node(n).member("n3")?.address === "n3:7946"),
    ).toBe(true);
  });

  it("tags and state sections spread with the node and fire update events", () => {
    const { c, names } = formed(6, seedFor(15));
    expect(c.node("n2").setTags({ role: "db" })).toEqual({ ok: true });
    expect(c.node("n2").setLocalState("bus", Uint8Array.of(1, 2, 3))).toEqual({ ok: true });
    expect(c.node("n2").setLocalState("huge", new Uint8Array(5000))).toEqual({
      ok: false,
      error: "too-large",
    });
    c.sim.runFor("5s");
    for (const n of names) {
      const m = c.node(n).member("n2");
      expect(m?.tags).toEqual({ role: "db" });
      expect([...(m?.sections["bus"] ?? [])]).toEqual([1, 2, 3]);
    }
    expect(c.eventsOf("update", "n2").length).toBeGreaterThanOrEqual(5);
  });

  it("a briefly stalled node is suspected, refutes, and is never declared dead", () => {
    const { c, names } = formed(10, seedFor(16));
    c.sim.stall("n7", 3000);
    c.sim.runFor("60s");
    expect(c.eventsOf("fail"), c.replay).toEqual([]);
    expect(c.allSeeAlive(names), c.replay).toBe(true);
    expect(c.node("n1").member("n7")?.incarnation).toBeGreaterThan(0);
  });

  it("user packets and requests reach the application", () => {
    const { c } = formed(3, seedFor(17));
    const got: string[] = [];
    c.node("n2").onUserPacket((from, p) => got.push(`${from} ${p[0]}`));
    c.node("n2").onUserRequest((_from, p, reply) => reply(Uint8Array.of((p[0] as number) * 2)));
    c.node("n1").sendUserPacket(c.address("n2"), Uint8Array.of(7));
    c.node("n1").requestUser(c.address("n2"), Uint8Array.of(21), 1000, (r) => got.push(`reply ${r?.[0]}`));
    c.sim.runFor("1s");
    expect(got).toEqual(["n1:7946 7", "reply 42"]);
  });
});

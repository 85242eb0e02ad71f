import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BeaconDiscovery, type BeaconSocket } from "../../src/discovery/index.js";
import { type Overlay } from "../../src/overlay/index.js";
import { MemoryMetrics } from "../../src/observe/index.js";
import { nullLogger } from "../../src/observe/index.js";
import { SeededRng } from "../../src/transport/index.js";
import { Cluster, nodeNames, seedFor } from "../overlay/harness.js";

/** A simulated LAN segment for beacons: every datagram reaches every socket (itself too) 1 ms later. */
class SimLan {
  private readonly sockets = new Map<string, (data: Uint8Array, from: string) => void>();
  /** Hosts that cannot hear each other's beacons, by group index; undefined = everyone hears everyone. */
  groups: Map<string, number> | undefined;
  sent = 0;

  constructor(private readonly cluster: Cluster) {}

  socket(host: string): BeaconSocket {
    return {
      send: (data) => {
        this.sent++;
        for (const [to, fn] of this.sockets) {
          if (this.groups && this.groups.get(to) !== this.groups.get(host)) continue;
          const copy = Uint8Array.from(data);
          this.cluster.sim.at(this.cluster.sim.nowMs() + 1, () => fn(copy, `${host}:7947`));
        }
      },
      onMessage: (fn) => this.sockets.set(host, fn),
      close: () => this.sockets.delete(host),
    };
  }
}

function beacons(c: Cluster, lan: SimLan, name: string, overlay: Overlay, cluster = "default") {
  const host = c.hosts.get(name)!;
  const metrics = new MemoryMetrics();
  const d = new BeaconDiscovery(
    { cluster, node: name, address: overlay.localMember().address },
    c.keyrings.get(name)!,
    1_000,
    {
      socket: lan.socket(name),
      clock: host.clock,
      rng: new SeededRng(name.length * 7919 + name.charCodeAt(name.length - 1)),
      log: nullLogger,
      metrics,
      cluster: {
        liveCount: () => overlay.liveMembers().length,
        isLive: (n, a) =>
          overlay.liveMembers().some((m) => m.name !== name && (m.name === n || m.address === a)),
        join: (address, done) => overlay.join([address], (r) => done(r.contacted > 0)),
      },
    },
  );
  d.start();
  return { discovery: d, metrics };
}

describe("multicast beacons in the simulator", () => {
  it("nodes with no seeds form one cluster; the joins stay few", () => {
    const c = new Cluster({ seed: seedFor(91), keys: [randomBytes(32)] });
    const lan = new SimLan(c);
    const names = nodeNames(12);
    const ms = names.map((n) => beacons(c, lan, n, c.add(n)).metrics);
    expect(
      c.sim.runUntil(() => c.allSeeAlive(names), "60s"),
      c.replay,
    ).toBe(true);
    const joins = ms.reduce((s, m) => s + m.get("discovery_beacon_joins_total", { result: "ok" }), 0);
    expect(joins, c.replay).toBeLessThanOrEqual(2 * names.length);
    // Settled: a big cluster beacons rarely (each node every 1 s x N).
    const before = lan.sent;
    c.sim.runFor("60s");
    expect(lan.sent - before).toBeLessThanOrEqual(2 * 60);
  });

  it("two groups that could not hear each other merge when they can", () => {
    const c = new Cluster({ seed: seedFor(92), keys: [randomBytes(32)] });
    const lan = new SimLan(c);
    const names = nodeNames(8);
    lan.groups = new Map(names.map((n, i) => [n, i < 4 ? 0 : 1]));
    names.forEach((n) => beacons(c, lan, n, c.add(n)));
    c.sim.partition(names.slice(0, 4), names.slice(4));
    const halvesFormed = () => names.every((n) => c.node(n).liveMembers().length === 4);
    expect(c.sim.runUntil(halvesFormed, "30s"), c.replay).toBe(true);
    lan.groups = undefined;
    c.sim.heal();
    expect(
      c.sim.runUntil(() => c.allSeeAlive(names), "90s"),
      c.replay,
    ).toBe(true);
  });

  it("a node announcing another cluster name is heard and left out", () => {
    const c = new Cluster({ seed: seedFor(93), keys: [randomBytes(32)] });
    const lan = new SimLan(c);
    const names = nodeNames(3);
    names.forEach((n) => beacons(c, lan, n, c.add(n)));
    const stranger = beacons(c, lan, "x1", c.add("x1"), "other");
    c.sim.runFor("20s");
    for (const n of names)
      expect(
        c
          .node(n)
          .liveMembers()
          .map((m) => m.name)
          .sort(),
      ).toEqual(names);
    expect(c.node("x1").liveMembers()).toHaveLength(1);
    expect(
      stranger.metrics.get("discovery_beacons_dropped_total", { reason: "other-cluster" }),
    ).toBeGreaterThan(0);
  });
});

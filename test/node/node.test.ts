import { describe, expect, it } from "vitest";
import { MemoryLogStore } from "../../src/bus/index.js";

/** The epoch of a data dir written before epochs (src/bus/log-store.ts; not on the bus index). */
const LEGACY_EPOCH = 1;
import { buildNode, Teardown } from "../../src/node/index.js";
import type { Logger } from "../../src/observe/index.js";
import { lanConfig } from "../../src/overlay/index.js";
import { SimNetwork } from "../../src/transport/index.js";
import { SimCluster } from "../support/sim-cluster.js";

function recorder(): { log: Logger; lines: Array<{ msg: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  const at = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, fields });
  return { lines, log: { debug: at, info: at, warn: at, error: at } };
}

describe("src/node: one whole node from injected parts", () => {
  it("a node without a store gets a new in-memory log with a new epoch, and says so", () => {
    const sim = new SimNetwork({ seed: 1 });
    sim.addHost("a");
    sim.setClock("a", { offsetMs: 1_700_000_000_000 });
    const host = sim.restart("a");
    const { log, lines } = recorder();
    const node = buildNode(
      { transport: host.transport, clock: host.clock, rng: host.rng, logger: log },
      { overlay: lanConfig("a"), advertisedHost: "a" },
    );
    expect(node.store).toBeInstanceOf(MemoryLogStore);
    expect(node.bus.epoch).not.toBe(LEGACY_EPOCH);
    expect(node.bus.epoch).toBeGreaterThan(1_700_000_000_000 * 1024);
    expect(lines.find((l) => l.msg === "bus: new log epoch")?.fields).toMatchObject({
      epoch: node.bus.epoch,
    });
    node.kill();
  });

  it("closes in one ordered list: the host's parts first, the overlay leaves (left, not failed), the host's store last", async () => {
    const c = new SimCluster({ seed: 2 });
    c.addMany(["a", "b"]);
    c.joinAll(["a", "b"], "a");
    expect(
      c.sim.runUntil(() => c.allSeeAlive(["a", "b"]), "10s"),
      c.replay,
    ).toBe(true);
    const sim = c.sim;
    const host = sim.addHost("n");
    const order: string[] = [];
    const parts = new Teardown(recorder().log);
    parts.add("store", () => order.push("store"));
    const node = buildNode(
      { transport: host.transport, clock: host.clock, rng: host.rng, store: new MemoryLogStore() },
      { overlay: lanConfig("n"), advertisedHost: "n" },
      { parts, hooks: { afterLeave: (o) => order.push(`after leave: ${o.localMember().status}`) } },
    );
    node.parts.add("listeners", () => order.push("listeners"));
    expect(node.parts.pending).toEqual([
      "listeners",
      "registry and catalog sync",
      "overlay and bus",
      "after leave",
      "store",
    ]);
    node.overlay.join(["a:7946"]);
    expect(
      sim.runUntil(() => c.node("a").overlay.member("n")?.status === "alive", "10s"),
      c.replay,
    ).toBe(true);
    let closed = false;
    void node.close().then(() => (closed = true));
    for (let i = 0; i < 100 && !closed; i++) {
      sim.runFor(100);
      await new Promise((r) => setImmediate(r));
    }
    expect(closed).toBe(true);
    expect(order).toEqual(["listeners", "after leave: left", "store"]);
    expect(c.node("a").overlay.member("n")?.status).toBe("left");
  });

  it("builds only the layers asked for: an overlay alone has no log, a bus node no registry or catalog", async () => {
    const c = new SimCluster({ seed: 3 });
    c.add("a");
    const { log, lines } = recorder();
    const one = (name: string) => {
      const host = c.sim.addHost(name);
      return { transport: host.transport, clock: host.clock, rng: host.rng, logger: log };
    };
    const member = buildNode(
      one("o"),
      { overlay: lanConfig("o"), advertisedHost: "o" },
      { layers: "overlay" },
    );
    const bus = buildNode(one("b"), { overlay: lanConfig("b"), advertisedHost: "b" }, { layers: "bus" });
    expect(member.parts.pending).toEqual(["overlay"]);
    expect("bus" in member).toBe(false);
    expect(bus.parts.pending).toEqual(["overlay and bus"]);
    expect("registry" in bus).toBe(false);
    expect(lines.filter((l) => l.msg === "bus: new log epoch")).toHaveLength(1);
    for (const n of [member, bus]) n.overlay.join(["a:7946"]);
    expect(
      c.sim.runUntil(() => c.node("a").overlay.liveMembers().length === 3, "10s"),
      c.replay,
    ).toBe(true);
    let closed = false;
    void Promise.all([member.close(), bus.close()]).then(() => (closed = true));
    for (let i = 0; i < 100 && !closed; i++) {
      c.sim.runFor(100);
      await new Promise((r) => setImmediate(r));
    }
    expect(closed).toBe(true);
    expect(["o", "b"].map((n) => c.node("a").overlay.member(n)?.status)).toEqual(["left", "left"]);
  });
});

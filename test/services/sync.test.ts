import { describe, expect, it } from "vitest";
import { type Overlay } from "../../src/overlay/index.js";
import { MemoryMetrics, nullLogger } from "../../src/observe/index.js";
import {
  Catalog,
  type CatalogEvent,
  CatalogSync,
  DEFAULT_SERVICE_LIMITS,
  LocalServices,
} from "../../src/services/index.js";
import { Cluster, nodeNames, seedFor } from "../overlay/harness.js";

interface Node {
  catalog: Catalog;
  sync: CatalogSync;
  events: CatalogEvent[];
}

/** A catalog + sync on every overlay, linked through the overlay's user requests and events (as the agent does). */
function withCatalogs(cluster: Cluster, names: string[]): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const name of names) {
    const overlay: Overlay = cluster.node(name);
    const host = cluster.hosts.get(name)!;
    const catalog = new Catalog();
    const events: CatalogEvent[] = [];
    catalog.onEvent((e) => events.push(e));
    const local = new LocalServices(name, host.clock.nowMs(), () => `10.0.0.${name.slice(1)}`, {
      ...DEFAULT_SERVICE_LIMITS,
      criticalGraceMs: 2000,
    });
    const sync = new CatalogSync(
      local,
      catalog,
      {
        peers: () =>
          overlay
            .liveMembers()
            .filter((m) => m.name !== name)
            .map((m) => m.address),
        isLive: (node) => ["alive", "suspect"].includes(overlay.member(node)?.status ?? "none"),
        request: (to, bytes, timeoutMs, done) => overlay.requestUser(to, bytes, timeoutMs, done),
        onRequest: (fn) => overlay.onUserRequest(fn),
      },
      host.clock,
      host.rng,
      nullLogger,
      new MemoryMetrics(),
    );
    overlay.on((e) => {
      if (e.type === "fail" || e.type === "leave") sync.nodeGone(e.member.name);
      else if (e.type === "join") sync.nodeArrived(e.member.address);
    });
    sync.start();
    out.set(name, { catalog, sync, events });
  }
  return out;
}

const kafka = (port: number, ttlMs = 0) => ({
  name: "kafka",
  id: "",
  address: "",
  port,
  tags: { v: "3" },
  ttlMs,
});

function views(nodes: Map<string, Node>, skip: string[] = []): Set<string> {
  const out = new Set<string>();
  for (const [name, n] of nodes) {
    if (skip.includes(name)) continue;
    out.add(
      JSON.stringify(
        n.catalog.list({ name: "kafka" }).map((i) => [i.id, i.node, i.address, i.port, i.health]),
      ),
    );
  }
  return out;
}

function formed(names: string[], loss = 0.05): Cluster {
  const cluster = new Cluster({ seed: seedFor(91), latencyMs: 1, loss });
  cluster.addMany(names);
  cluster.joinAll(names, "n1");
  expect(
    cluster.sim.runUntil(() => cluster.allSeeAlive(names), "30s"),
    cluster.replay,
  ).toBe(true);
  return cluster;
}

describe("replicated service catalog (simulator)", () => {
  it("a registration is visible on every node; a deregistration leaves everywhere with its kind", () => {
    const names = nodeNames(20);
    const cluster = formed(names);
    const nodes = withCatalogs(cluster, names);
    const inst = nodes.get("n4")!.sync.register(kafka(9092));
    expect(inst).toMatchObject({
      ok: true,
      instance: { id: "n4:kafka:9092", node: "n4", address: "10.0.0.4", health: "passing" },
    });
    nodes.get("n9")!.sync.register(kafka(9093));
    expect(
      cluster.sim.runUntil(() => [...nodes.values()].every((n) => n.catalog.list().length === 2), "5s"),
      cluster.replay,
    ).toBe(true);
    expect(views(nodes).size).toBe(1);
    expect(nodes.get("n17")!.events.filter((e) => e.kind === "registered")).toHaveLength(2);

    expect(nodes.get("n4")!.sync.deregister("kafka", "n4:kafka:9092")).toBe(true);
    expect(nodes.get("n4")!.sync.deregister("kafka", "n4:kafka:9092")).toBe(false);
    expect(
      cluster.sim.runUntil(() => [...nodes.values()].every((n) => n.catalog.list().length === 1), "5s"),
      cluster.replay,
    ).toBe(true);
    for (const n of nodes.values()) {
      expect(n.events.filter((e) => e.kind === "deregistered").map((e) => e.instance.id)).toEqual([
        "n4:kafka:9092",
      ]);
    }
  });

  it("a crashed node's instances expire everywhere within the failure-detection bound", () => {
    const names = nodeNames(12);
    const cluster = formed(names);
    const nodes = withCatalogs(cluster, names);
    nodes.get("n3")!.sync.register(kafka(9092));
    nodes.get("n5")!.sync.register(kafka(9092));
    cluster.sim.runFor("3s");
    expect(views(nodes).size).toBe(1);
    const clock = cluster.hosts.get("n1")!.clock;
    const t0 = clock.nowMs();
    cluster.crash("n3");
    const rest = names.filter((n) => n !== "n3");
    const gone = () =>
      rest.every((n) =>
        nodes
          .get(n)!
          .catalog.list()
          .every((i) => i.node !== "n3"),
      );
    // LAN: suspicion min = 4 x max(1, log10 12) x 1 s, max 6x that, plus detection and dissemination.
    expect(cluster.sim.runUntil(gone, "40s"), cluster.replay).toBe(true);
    const tookMs = clock.nowMs() - t0;
    expect(tookMs).toBeLessThan(30_000);
    for (const n of rest) {
      expect(
        nodes
          .get(n)!
          .events.filter((e) => e.kind === "expired")
          .map((e) => e.instance.id),
      ).toEqual(["n3:kafka:9092"]);
      expect(
        nodes
          .get(n)!
          .catalog.list()
          .map((i) => i.node),
      ).toEqual(["n5"]);
    }
    // Anti-entropy keeps running: nothing brings the dead node's instance back.
    cluster.sim.runFor("20s");
    expect(rest.every((n) => nodes.get(n)!.catalog.list().length === 1)).toBe(true);
  });

  it("a TTL instance turns critical, then is removed, unless refreshed; a refresh keeps it passing", () => {
    const names = nodeNames(6);
    const cluster = formed(names, 0);
    const nodes = withCatalogs(cluster, names);
    const owner = nodes.get("n2")!.sync;
    owner.register(kafka(1, 3000));
    owner.register(kafka(2, 3000));
    for (let i = 0; i < 4; i++) {
      cluster.sim.runFor("2s");
      owner.register(kafka(1, 3000)); // the heartbeat
    }
    const health = (n: string) =>
      nodes
        .get(n)!
        .catalog.list()
        .map((i) => `${i.port}:${i.health}`)
        .join(",");
    // Port 2 lapsed at 3 s, was critical until 3 + 2 s of grace, then expired everywhere.
    for (const n of names) expect(health(n)).toBe("1:passing");
    for (const n of names) {
      const kinds = nodes
        .get(n)!
        .events.filter((e) => e.instance.port === 2)
        .map((e) => `${e.kind}:${e.instance.health}`);
      expect(kinds).toEqual(["registered:passing", "updated:critical", "expired:critical"]);
    }
    cluster.sim.runFor("6s"); // no more heartbeats
    for (const n of names) expect(health(n)).toBe("");
  });

  it("a node joining later, and the two sides of a healed partition, converge by anti-entropy", () => {
    const names = nodeNames(10);
    const cluster = formed(names, 0.1);
    const nodes = withCatalogs(cluster, names);
    nodes.get("n1")!.sync.register(kafka(9092));
    cluster.sim.runFor("2s");
    const left = names.slice(0, 5);
    const right = names.slice(5);
    cluster.sim.partition(left, right);
    nodes.get("n7")!.sync.register(kafka(9093));
    nodes.get("n2")!.sync.register(kafka(9094));
    cluster.sim.runFor("5s");
    cluster.sim.heal();
    const all = () =>
      cluster.allSeeAlive(names) &&
      [...nodes.values()].every((n) => n.catalog.list({ name: "kafka" }).length === 3);
    expect(cluster.sim.runUntil(all, "120s"), cluster.replay).toBe(true);
    expect(views(nodes).size).toBe(1);
  });

  it("a restarted node's fresh, empty catalog replaces what it held before", () => {
    const names = nodeNames(5);
    const cluster = formed(names, 0);
    let nodes = withCatalogs(cluster, names);
    nodes.get("n3")!.sync.register(kafka(9092));
    cluster.sim.runFor("2s");
    expect(nodes.get("n1")!.catalog.list()).toHaveLength(1);
    cluster.crash("n3");
    cluster.sim.runFor("200ms");
    cluster.restart("n3", "n1");
    nodes = new Map([...nodes, ...withCatalogs(cluster, ["n3"])]);
    expect(
      cluster.sim.runUntil(() => cluster.allSeeAlive(names), "30s"),
      cluster.replay,
    ).toBe(true);
    cluster.sim.runFor("5s");
    for (const n of names) expect(nodes.get(n)!.catalog.list()).toEqual([]);
  });
});

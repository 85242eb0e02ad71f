import { describe, expect, it } from "vitest";
import { type Overlay } from "../../src/overlay/index.js";
import { MemoryMetrics, nullLogger } from "../../src/observe/index.js";
import {
  decodeSync,
  encodeSync,
  Registry,
  RegistrySync,
  type RegisterRequest,
} from "../../src/registry/index.js";
import { Cluster, nodeNames, seedFor } from "../overlay/harness.js";

const greeting = (extra = ""): RegisterRequest => ({
  name: "demo.Greeting",
  format: "proto-source",
  files: [
    {
      path: "demo/greeting.proto",
      content: `syntax = "proto3"; package demo; message Greeting { string text = 1; int64 at_ms = 2; ${extra} }`,
    },
  ],
});

interface Node {
  registry: Registry;
  sync: RegistrySync;
}

/** A registry + sync on every overlay of the cluster, linked through the overlay's user requests. */
function withRegistries(cluster: Cluster, names: string[]): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const name of names) {
    const overlay: Overlay = cluster.node(name);
    const host = cluster.hosts.get(name)!;
    const registry = new Registry(name, () => host.clock.nowMs(), nullLogger, new MemoryMetrics());
    const sync = new RegistrySync(
      registry,
      {
        peers: () =>
          overlay
            .liveMembers()
            .filter((m) => m.name !== name)
            .map((m) => m.address),
        request: (to, bytes, timeoutMs, done) => overlay.requestUser(to, bytes, timeoutMs, done),
        onRequest: (fn) => overlay.onUserRequest(fn),
      },
      host.clock,
      host.rng,
      nullLogger,
      new MemoryMetrics(),
    );
    sync.start();
    out.set(name, { registry, sync });
  }
  return out;
}

function converged(nodes: Map<string, Node>, type: string): Set<string> {
  return new Set([...nodes.values()].map((n) => n.registry.get(type)?.entry.fingerprint ?? "missing"));
}

describe("replicated registry (simulator)", () => {
  it("a registration reaches every node, and concurrent ones converge to one answer everywhere", () => {
    const cluster = new Cluster({ seed: seedFor(41), latencyMs: 1, loss: 0.1 });
    const names = nodeNames(20);
    cluster.addMany(names);
    cluster.joinAll(names, "n1");
    expect(
      cluster.sim.runUntil(() => cluster.allSeeAlive(names), "30s"),
      cluster.replay,
    ).toBe(true);
    const nodes = withRegistries(cluster, names);

    const r = nodes.get("n5")!.sync.register(greeting());
    expect(r.ok && r.created && r.entry.version).toBe(1);
    cluster.sim.runFor("5s");
    expect(converged(nodes, "demo.Greeting"), cluster.replay).toEqual(
      new Set([r.ok ? r.entry.fingerprint : ""]),
    );

    // Two nodes add different optional fields at the same moment: both make version 2.
    const a = nodes.get("n2")!.sync.register(greeting("string lang = 3;"));
    const b = nodes.get("n9")!.sync.register(greeting("bool loud = 3;"));
    expect(a.ok && b.ok && a.entry.version === 2 && b.entry.version === 2).toBe(true);
    cluster.sim.runFor("10s");
    const answers = converged(nodes, "demo.Greeting");
    expect(answers.size, cluster.replay).toBe(1);
    const winner = [...answers][0]!;
    expect([a.ok && a.entry.fingerprint, b.ok && b.entry.fingerprint]).toContain(winner);
    expect(winner).toBe([a.ok ? a.entry.fingerprint : "", b.ok ? b.entry.fingerprint : ""].sort()[1]);
  });

  it("a node that was partitioned away catches up after the partition heals", () => {
    const cluster = new Cluster({ seed: seedFor(7), latencyMs: 1 });
    const names = nodeNames(10);
    cluster.addMany(names);
    cluster.joinAll(names, "n1");
    expect(cluster.sim.runUntil(() => cluster.allSeeAlive(names), "30s")).toBe(true);
    const nodes = withRegistries(cluster, names);
    cluster.sim.partition(["n1", "n2", "n3", "n4", "n5"], ["n6", "n7", "n8", "n9", "n10"]);
    nodes.get("n1")!.sync.register(greeting());
    cluster.sim.runFor("20s");
    expect(nodes.get("n8")!.registry.get("demo.Greeting")).toBe(undefined);
    cluster.sim.heal();
    cluster.sim.runFor("60s");
    expect(converged(nodes, "demo.Greeting").size, cluster.replay).toBe(1);
    expect(nodes.get("n8")!.registry.get("demo.Greeting")?.entry.version).toBe(1);
  });
});

describe("Registry rules", () => {
  const registry = () => new Registry("n1", () => 1000, nullLogger, new MemoryMetrics());

  it("identical re-registration changes nothing; compatible change bumps the version", () => {
    const reg = registry();
    const first = reg.register(greeting());
    const again = reg.register(greeting());
    expect(first.ok && first.created).toBe(true);
    expect(again.ok && !again.created && again.entry.version).toBe(1);
    const next = reg.register(greeting("string lang = 3;"));
    expect(next.ok && next.created && next.entry.version).toBe(2);
  });

  it("refuses an incompatible change naming the field, and a schema that does not compile", () => {
    const reg = registry();
    reg.register(greeting());
    const changed = reg.register({
      ...greeting(),
      files: [
        {
          path: "demo/greeting.proto",
          content: 'syntax = "proto3"; package demo; message Greeting { int32 text = 1; }',
        },
      ],
    });
    expect(changed.ok).toBe(false);
    if (!changed.ok) {
      expect(changed.error.code).toBe("FAILED_PRECONDITION");
      expect(changed.error.message + (changed.error.field ?? "")).toMatch(/text/);
    }
    const broken = reg.register({ ...greeting(), files: [{ path: "x.proto", content: "message {" }] });
    expect(!broken.ok && broken.error.code).toBe("INVALID_ARGUMENT");
    const missing = reg.register({ ...greeting(), name: "demo.Nope" });
    expect(!missing.ok && missing.error.code).toBe("NOT_FOUND");
    expect(reg.get("demo.Greeting")?.entry.version).toBe(1);
  });

  it("bounds the number of types", () => {
    const reg = new Registry("n1", () => 0, nullLogger, new MemoryMetrics(), {
      maxTypes: 1,
      maxDescriptionBytes: 8,
    });
    expect(reg.register(greeting()).ok).toBe(true);
    const more = reg.register({
      name: "demo.Other",
      format: "proto-source",
      files: [
        { path: "o.proto", content: 'syntax = "proto3"; package demo; message Other { string a = 1; }' },
      ],
    });
    expect(!more.ok && more.error.code).toBe("RESOURCE_EXHAUSTED");
    const long = reg.register({ ...greeting(), description: "way too long" });
    expect(!long.ok && long.error.field).toBe("description");
  });

  it("drops malformed sync messages and entries from peers that do not compile", () => {
    for (const junk of [
      new Uint8Array([0xc1]),
      new Uint8Array([0x93, 1, 2, 3]),
      encodeSync({ t: "ack" }).slice(1),
    ]) {
      expect(decodeSync(junk).ok).toBe(false);
    }
    const bogus = encodeSync({
      t: "push",
      items: [{ ...greetingEntry(), files: [{ path: "g.proto", content: "garbage {{" }] }],
    });
    const d = decodeSync(bogus);
    expect(d.ok).toBe(true);
    const reg = registry();
    if (d.ok && d.msg.t === "push") expect(reg.merge(d.msg.items[0]!)).toBe("invalid");
    expect(reg.size).toBe(0);
    const rows = Array.from({ length: 10_001 }, () => ["a", 1, "f"]);
    expect(decodeSync(encodeSync({ t: "summary", rows: rows as never })).ok).toBe(false);
  });
});

function greetingEntry() {
  const g = greeting();
  return {
    name: g.name,
    version: 1,
    format: g.format,
    files: [...g.files!],
    descriptorSet: null,
    skipPayloadValidation: false,
    description: "",
    registeredBy: "evil",
    registeredAtMs: 0,
    fingerprint: "",
  };
}

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  choosePeers,
  decodePeerSnapshot,
  DEFAULT_PEER_SNAPSHOT_LIMITS,
  PeerSnapshotWriter,
  type PeerRecord,
  readPeerSnapshot,
  writePeerSnapshot,
} from "../../src/discovery/index.js";
import { type MemberInfo, type MemberStatus } from "../../src/overlay/index.js";
import { MemoryMetrics } from "../../src/observe/index.js";
import { SimNetwork } from "../../src/transport/index.js";

const member = (name: string, status: MemberStatus): MemberInfo => ({
  name,
  address: `${name}.lan:7946`,
  status,
  incarnation: 0,
  tags: {},
  sections: {},
});

describe("peer snapshot", () => {
  it("keeps every member but itself and those that left, live ones first, bounded", () => {
    const members = [
      member("me", "alive"),
      member("d", "dead"),
      member("l", "left"),
      member("s", "suspect"),
      member("b", "alive"),
      member("a", "alive"),
    ];
    expect(choosePeers(members, "me", 10).peers.map((p) => p.name)).toEqual(["a", "b", "s", "d"]);
    expect(choosePeers(members, "me", 2)).toEqual({
      peers: [
        { name: "a", address: "a.lan:7946" },
        { name: "b", address: "b.lan:7946" },
      ],
      cut: 2,
    });
  });

  it("reads back what it writes, atomically replacing the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-peers-"));
    const peers = [{ name: "n2", address: "10.0.0.2:7946" }];
    await writePeerSnapshot(dir, { overlay: "prod", node: "n1", savedAtMs: 1, peers });
    await writePeerSnapshot(dir, { overlay: "prod", node: "n1", savedAtMs: 2, peers: [...peers, peers[0]!] });
    const limits = DEFAULT_PEER_SNAPSHOT_LIMITS;
    expect(await readPeerSnapshot(dir, "prod", limits.maxPeers, limits.maxFileBytes)).toEqual({
      ok: true,
      value: peers,
    });
    expect(JSON.parse(readFileSync(join(dir, "peers.json"), "utf8")).savedAtMs).toBe(2);
    const other = await readPeerSnapshot(dir, "staging", limits.maxPeers, limits.maxFileBytes);
    expect(!other.ok && other.error).toContain('written for overlay "prod", not "staging"');
    expect(await readPeerSnapshot(join(dir, "none"), "prod", 10, 1000)).toEqual({ ok: true, value: [] });
    writeFileSync(join(dir, "peers.json"), "x".repeat(2000));
    const big = await readPeerSnapshot(dir, "prod", 10, 1000);
    expect(!big.ok && big.error).toContain("larger than 1000 bytes");
  });

  it.each([
    ["not json", "not JSON"],
    ["[]", "expected a JSON object"],
    ['{"version":2,"overlay":"prod","peers":[]}', "unknown version 2"],
    ['{"version":1,"overlay":"prod","peers":{}}', "peers: expected a list"],
  ])("refuses a snapshot %j", (text, message) => {
    const r = decodePeerSnapshot(text, "prod", 10);
    expect(!r.ok && r.error).toContain(message);
  });

  it("skips malformed entries and stops at the bound", () => {
    const peers = [
      null,
      7,
      { name: "ok", address: "10.0.0.1:7946" },
      { name: "bad name", address: "10.0.0.2:7946" },
      { name: "n", address: "no port" },
      { name: "dup", address: "10.0.0.1:7946" },
      { name: "v6", address: "[fd00::1]:7946" },
      { name: "late", address: "10.0.0.3:7946" },
    ];
    const r = decodePeerSnapshot(JSON.stringify({ version: 1, overlay: "prod", peers }), "prod", 2);
    expect(r).toEqual({
      ok: true,
      value: [
        { name: "ok", address: "10.0.0.1:7946" },
        { name: "v6", address: "[fd00::1]:7946" },
      ],
    });
  });

  it("writes on change at most once per gap, and not before this run has seen a peer", async () => {
    const sim = new SimNetwork({ seed: 1 });
    const clock = sim.addHost("me").clock;
    let members = [member("me", "alive")];
    const saved: PeerRecord[][] = [];
    const metrics = new MemoryMetrics();
    const w = new PeerSnapshotWriter(
      "me",
      [{ name: "old", address: "old.lan:7946" }],
      DEFAULT_PEER_SNAPSHOT_LIMITS,
      {
        clock,
        members: () => members,
        save: async (p) => void saved.push(p),
        log: { debug() {}, info() {}, warn() {}, error() {} },
        metrics,
      },
    );
    w.changed();
    sim.runFor("5s");
    await Promise.resolve();
    expect(saved).toEqual([]);
    members = [...members, member("a", "alive")];
    w.changed();
    sim.runFor("10ms");
    await new Promise((r) => setImmediate(r));
    expect(saved.map((p) => p.map((x) => x.name))).toEqual([["a"]]);
    members = [...members, member("b", "alive")];
    w.changed();
    sim.runFor("1s");
    await new Promise((r) => setImmediate(r));
    expect(saved).toHaveLength(1);
    sim.runFor("1500ms");
    await new Promise((r) => setImmediate(r));
    expect(saved.map((p) => p.map((x) => x.name))).toEqual([["a"], ["a", "b"]]);
    w.changed();
    sim.runFor("5s");
    await w.flush();
    expect(saved).toHaveLength(2);
    expect(metrics.get("discovery_snapshot_writes_total", { result: "ok" })).toBe(2);
  });
});

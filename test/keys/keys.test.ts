import { randomBytes } from "node:crypto";
import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  ClusterKeys,
  decodeKeyReply,
  decodeKeyRequest,
  encodeKeyReply,
  encodeKeyRequest,
  type KeysLink,
  LocalKeyring,
} from "../../src/keys/index.js";
import { Keyring } from "../../src/overlay/index.js";

const key = () => new Uint8Array(randomBytes(32));

describe("keys wire: bounded, never throws", () => {
  it("round-trips requests and replies", () => {
    const k = key();
    expect(decodeKeyRequest(encodeKeyRequest({ op: "install", key: k }))).toEqual({
      ok: true,
      value: { op: "install", key: k },
    });
    expect(decodeKeyRequest(encodeKeyRequest({ op: "list", key: null }))).toEqual({
      ok: true,
      value: { op: "list", key: null },
    });
    const reply = { ok: false, error: "nope", keys: [k, key()] };
    expect(decodeKeyReply(encodeKeyReply(reply))).toEqual({ ok: true, value: reply });
  });

  it.each([
    ["empty", new Uint8Array()],
    ["garbage", new Uint8Array(randomBytes(40))],
    ["oversized", new Uint8Array(10_000)],
    ["a map", pack({ op: 1 })],
    ["wrong version", pack([9, 1, Buffer.alloc(32)])],
    ["unknown op", pack([1, 7, Buffer.alloc(32)])],
    ["op as string", pack([1, "install", Buffer.alloc(32)])],
    ["key as string", pack([1, 1, "a".repeat(44)])],
    ["install without key", pack([1, 1, null])],
    ["list with key", pack([1, 0, Buffer.alloc(32)])],
    ["huge key", pack([1, 1, Buffer.alloc(65)])],
    ["extra field", pack([1, 1, Buffer.alloc(32), 4])],
  ])("request: %s is an error", (_name, bytes) => {
    expect(() => decodeKeyRequest(bytes)).not.toThrow();
    expect(decodeKeyRequest(bytes).ok).toBe(false);
  });

  it.each([
    ["too many keys", pack([1, true, "", Array.from({ length: 17 }, () => Buffer.alloc(32))])],
    ["keys not bytes", pack([1, true, "", ["x"]])],
    ["ok not boolean", pack([1, 1, "", []])],
    ["truncated", encodeKeyReply({ ok: true, error: "", keys: [key()] }).subarray(0, 10)],
  ])("reply: %s is an error", (_name, bytes) => {
    expect(decodeKeyReply(bytes).ok).toBe(false);
  });

  it("long error texts are cut", () => {
    const d = decodeKeyReply(pack([1, false, "e".repeat(2000), []]));
    expect(d.ok && d.value.error.length).toBe(512);
  });
});

describe("LocalKeyring", () => {
  it("applies install / use / remove to the live keyring and saves only changes", async () => {
    const [a, b] = [key(), key()];
    const ring = new Keyring([a]);
    const saved: Uint8Array[][] = [];
    const local = new LocalKeyring(ring, async (keys) => void saved.push(keys));
    expect(await local.apply({ op: "install", key: b })).toEqual({ ok: true, error: "", keys: [a, b] });
    expect(await local.apply({ op: "install", key: b })).toMatchObject({ ok: true });
    expect(await local.apply({ op: "use", key: b })).toEqual({ ok: true, error: "", keys: [b, a] });
    expect(ring.primary()).toEqual(b);
    const refused = await local.apply({ op: "remove", key: b });
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/primary key/);
    expect(await local.apply({ op: "remove", key: a })).toEqual({ ok: true, error: "", keys: [b] });
    // Removing an absent key succeeds, so a half-done rotation can be re-run.
    expect(await local.apply({ op: "remove", key: a })).toMatchObject({ ok: true });
    expect(saved).toEqual([[a, b], [b, a], [b]]);
  });

  it("refuses when gossip is plaintext, an unknown key for use, and a full keyring", async () => {
    const off = await new LocalKeyring(undefined, null).apply({ op: "install", key: key() });
    expect(off).toEqual({
      ok: false,
      error: "gossip encryption is off; start agents with --keyring-file",
      keys: [],
    });
    const local = new LocalKeyring(new Keyring([key()]), null);
    expect((await local.apply({ op: "use", key: key() })).error).toMatch(/not installed/);
    for (let i = 0; i < 15; i++) await local.apply({ op: "install", key: key() });
    expect((await local.apply({ op: "install", key: key() })).error).toMatch(/keyring full/);
  });

  it("reports a failed save but keeps the live change", async () => {
    const local = new LocalKeyring(new Keyring([key()]), () => Promise.reject(new Error("disk full")));
    const r = await local.apply({ op: "install", key: key() });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/applied live, but not saved.*disk full/);
    expect(r.keys).toHaveLength(2);
  });
});

/** Members whose request handlers are other ClusterKeys, plus silent and garbage-speaking ones. */
function fakeCluster(names: string[], opts: { silent?: string[]; garbage?: string[] } = {}) {
  const handlers = new Map<string, (from: string, b: Uint8Array, reply: (r: Uint8Array) => void) => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  const link = (self: string): KeysLink => ({
    self,
    members: () => names.map((n) => ({ name: n, address: `addr-${n}` })),
    request(to, bytes, _ms, done) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const finish = (r: Uint8Array | null) => setTimeout(() => (inFlight--, done(r)), 1);
      const name = to.slice(5);
      if (opts.silent?.includes(name)) return finish(null);
      if (opts.garbage?.includes(name)) return finish(new Uint8Array([0xc1, 0xc1]));
      handlers.get(name)!(self, bytes, (r) => finish(r));
    },
    onRequest: (fn) => handlers.set(self, fn),
  });
  return { link, maxInFlight: () => maxInFlight };
}

describe("ClusterKeys fan-out", () => {
  it("applies everywhere with bounded concurrency and reports silent or garbled members", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `n${String(i).padStart(2, "0")}`);
    const first = key();
    const c = fakeCluster(names, { silent: ["n03"], garbage: ["n07"] });
    const rings = new Map(names.map((n) => [n, new Keyring([first])]));
    const nodes = names.map(
      (n) =>
        new ClusterKeys(new LocalKeyring(rings.get(n), null), c.link(n), {
          memberTimeoutMs: 50,
          maxConcurrent: 4,
        }),
    );
    const k = key();
    const results = await nodes[0]!.run({ op: "install", key: k });
    expect(results.map((r) => r.node)).toEqual(names);
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.find((r) => r.node === "n03")).toMatchObject({
      responded: false,
      error: "no answer in time",
    });
    expect(results.find((r) => r.node === "n07")).toMatchObject({
      responded: false,
      error: /unreadable answer/,
    });
    expect(c.maxInFlight()).toBeLessThanOrEqual(4);
    expect(rings.get("n11")!.list()).toEqual([first, k]);
  });

  it("answers a malformed request with an error instead of throwing", async () => {
    const c = fakeCluster(["a", "b"]);
    const replies: Uint8Array[] = [];
    new ClusterKeys(new LocalKeyring(new Keyring([key()]), null), c.link("b"));
    const link = c.link("a");
    await new Promise<void>((resolve) =>
      link.request("addr-b", new Uint8Array([0xff, 0x00, 0x13]), 100, (r) => {
        replies.push(r!);
        resolve();
      }),
    );
    const d = decodeKeyReply(replies[0]!);
    expect(d.ok && d.value).toMatchObject({ ok: false, error: /malformed request/, keys: [] });
  });
});

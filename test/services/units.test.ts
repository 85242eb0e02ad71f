import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  catalogCodec,
  type CatalogMessage,
  DEFAULT_SERVICE_LIMITS,
  LocalServices,
  type RegisterServiceResult,
  type Snapshot,
} from "../../src/services/index.js";
import type { Problem } from "../../src/errors/index.js";
import { decodeMessage, encodeMessage } from "../../src/replication/index.js";

const codec = catalogCodec();
const decodeCatalog = (bytes: Uint8Array) => decodeMessage(codec, bytes);

const base = { name: "zk", id: "", address: "", port: 2181, tags: {}, ttlMs: 0 };

function local(limits = DEFAULT_SERVICE_LIMITS): LocalServices {
  return new LocalServices("n1", 1000, () => "10.1.1.1", limits);
}

function refusal(r: RegisterServiceResult): Problem {
  if (r.ok) throw new Error("expected a refusal");
  return r.error;
}

function taken(r: RegisterServiceResult): Extract<RegisterServiceResult, { ok: true }> {
  if (!r.ok) throw new Error(`refused: ${r.error.field}: ${r.error.message}`);
  return r;
}

describe("LocalServices", () => {
  it("fills defaults, refreshes without a version bump, and names the field it refuses", () => {
    const l = local();
    const r = taken(l.register(base, 5));
    expect(r.instance).toMatchObject({
      id: "n1:zk:2181",
      address: "10.1.1.1",
      node: "n1",
      registeredAtMs: 5,
    });
    expect(r.changed).toBe(true);
    const v = l.snapshot().counter;
    expect(taken(l.register(base, 50)).changed).toBe(false);
    expect(l.snapshot().counter).toBe(v);
    expect(l.register({ ...base, tags: { a: "b" } }, 60)).toMatchObject({
      changed: true,
      instance: { registeredAtMs: 5 },
    });

    const invalid = "INVALID_ARGUMENT";
    const exhausted = "RESOURCE_EXHAUSTED";
    const cases: Array<[Partial<typeof base>, string, string]> = [
      [{ name: "" }, "name", invalid],
      [{ name: "-bad" }, "name", invalid],
      [{ name: "x".repeat(129) }, "name", invalid],
      [{ port: 0 }, "port", invalid],
      [{ port: 70000 }, "port", invalid],
      [{ port: 1.5 }, "port", invalid],
      [{ id: "has space" }, "id", invalid],
      [{ address: "bad host!" }, "address", invalid],
      [{ ttlMs: 10 }, "ttl_ms", invalid],
      [{ ttlMs: -1 }, "ttl_ms", invalid],
      [{ ttlMs: 86_400_001 }, "ttl_ms", invalid],
      [{ tags: { "": "x" } } as never, "tags", invalid],
      [
        { tags: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"])) } as never,
        "tags",
        exhausted,
      ],
      [{ tags: { k: "v".repeat(3000) } } as never, "tags", exhausted],
    ];
    for (const [patch, field, code] of cases) {
      const e = refusal(l.register({ ...base, ...patch }, 70));
      expect([e.field, e.code], JSON.stringify(patch)).toEqual([field, code]);
    }
    expect(refusal(l.register({ ...base, port: 0 }, 70)).message).toBe("must be 1-65535, got 0");
  });

  it("holds at most maxServicesPerNode instances and counts TTL deadlines", () => {
    const l = local({ ...DEFAULT_SERVICE_LIMITS, maxServicesPerNode: 2, criticalGraceMs: 100 });
    l.register({ ...base, port: 1, ttlMs: 1000 }, 0);
    l.register({ ...base, port: 2 }, 0);
    expect(refusal(l.register({ ...base, port: 3 }, 0))).toMatchObject({
      code: "RESOURCE_EXHAUSTED",
      field: "name",
    });
    expect(taken(l.register({ ...base, port: 2, tags: { x: "y" } }, 0)).changed).toBe(true); // an update still fits
    expect(l.nextDeadlineMs()).toBe(1000);
    expect(l.tick(1001)).toBe(true);
    expect(l.list().find((i) => i.port === 1)?.health).toBe("critical");
    expect(l.nextDeadlineMs()).toBe(1100);
    expect(l.tick(1101)).toBe(true);
    expect(l.list().map((i) => i.port)).toEqual([2]);
    expect(l.snapshot().removals).toEqual([["zk\u0000n1:zk:1", "expired"]]);
  });
});

describe("Catalog", () => {
  const snap = (counter: number, ports: number[], bootMs = 1): Snapshot => ({
    node: "n2",
    bootMs,
    counter,
    instances: ports.map((port) => ({
      name: "zk",
      id: `n2:zk:${port}`,
      node: "n2",
      address: "h",
      port,
      tags: {},
      ttlMs: 0,
      registeredAtMs: 1,
      health: "passing" as const,
    })),
    removals: [],
  });

  it("takes only newer snapshots, a new boot beats any counter, and emits one event per change", () => {
    const c = new Catalog();
    const kinds: string[] = [];
    c.onEvent((e) => kinds.push(`${e.kind}:${e.instance.port}`));
    expect(c.apply(snap(2, [1, 2]))).toBe(true);
    expect(c.apply(snap(1, [3]))).toBe(false);
    expect(c.apply(snap(2, [3]))).toBe(false);
    expect(c.apply(snap(3, [2]))).toBe(true);
    expect(c.apply(snap(0, [], 2))).toBe(true);
    expect(c.apply(snap(9, [7], 1))).toBe(false); // an old boot's relay loses to the emptied new boot
    expect(kinds).toEqual(["registered:1", "registered:2", "deregistered:1", "deregistered:2"]);
    expect(c.list()).toEqual([]);
    expect(c.version("n2")).toMatchObject({ bootMs: 2, counter: 0 });
  });
});

describe("catalog wire", () => {
  it("round-trips every message", () => {
    const s: Snapshot = {
      node: "n1",
      bootMs: 123,
      counter: 4,
      instances: [
        {
          name: "a",
          id: "i",
          node: "n1",
          address: "h",
          port: 1,
          tags: { k: "v" },
          ttlMs: 0,
          registeredAtMs: 9,
          health: "critical",
        },
      ],
      removals: [["a\u0000j", "expired"]],
    };
    for (const m of [
      { t: "push", items: [s] },
      { t: "summary", rows: [["n1", 123, 4]] },
      { t: "answer", items: [s], want: ["n3"] },
      { t: "ack" },
    ] as CatalogMessage[]) {
      expect(decodeCatalog(encodeMessage(codec, m))).toEqual({ ok: true, msg: m });
    }
  });

  it("refuses hostile input with an error and never throws", () => {
    const good = [1, [["n1", 1, 1, [["a", "i", "h", 1, {}, 0, 1, 1]], []]]];
    const hostile: unknown[] = [
      null,
      42,
      [99],
      [2, [["n1", -1, 0]]],
      [2, "rows"],
      [1, [["n1", 1, 1, "x", []]]],
      [1, [["", 1, 1, [], []]]],
      [1, [["n1", 1, 1, [["a", "i", "h", 70000, {}, 0, 1, 1]], []]]],
      [1, [["n1", 1, 1, [["a", "i", "h", 1, { k: 5 }, 0, 1, 1]], []]]],
      [1, [["n1", 1, 1, [["a", "i", "h", 1, {}, 0, 1, 3]], []]]],
      [1, [["n1", 1, 1, [], [["k", 7]]]]],
      [1, [["n1", 1.5, 1, [], []]]],
      [3, [], [5]],
    ];
    expect(decodeCatalog(pack(good)).ok).toBe(true);
    for (const h of hostile) expect(decodeCatalog(pack(h)).ok, JSON.stringify(h)).toBe(false);
    expect(decodeCatalog(new Uint8Array([0xc1, 0xff, 0x00])).ok).toBe(false);
    expect(decodeCatalog(new Uint8Array(5 * 1024 * 1024)).ok).toBe(false);
    const proto = decodeCatalog(
      pack([1, [["n1", 1, 1, [["a", "i", "h", 1, JSON.parse('{"__proto__":"x"}'), 0, 1, 1]], []]]]),
    );
    // msgpackr renames the key; either way no prototype is touched.
    const tags = proto.ok && proto.msg.t === "push" ? proto.msg.items[0]!.instances[0]!.tags : {};
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
  });
});

import { pack } from "msgpackr";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../src/transport/index.js";
import {
  DEFAULT_CODEC_LIMITS,
  PROTOCOL_VERSION,
  Tag,
  decodeFrame,
  encodeCompound,
  encodeMessage,
  encodePart,
  type Message,
} from "../../src/overlay/index.js";

const samples: Message[] = [
  { type: "ping", seq: 7, target: "n2", sourceName: "n1", sourceAddr: "10.0.0.1:7946" },
  {
    type: "indirect-ping",
    seq: 4294967295,
    target: "n3",
    targetAddr: "[::1]:7946",
    wantNack: true,
    sourceName: "n1",
    sourceAddr: "10.0.0.1:7946",
  },
  { type: "ack", seq: 1 },
  { type: "nack", seq: 2 },
  { type: "suspect", incarnation: 3, node: "n2", from: "n1" },
  {
    type: "alive",
    incarnation: 9,
    node: "n2",
    addr: "10.0.0.2:7946",
    meta: { tags: { role: "web", dc: "eu" }, sections: { bus: new Uint8Array([1, 2, 3]) } },
  },
  { type: "dead", incarnation: 3, node: "n2", from: "n2" },
  {
    type: "push-pull",
    join: true,
    from: "n1",
    nodes: [{ name: "n1", addr: "a:1", incarnation: 1, status: "left", meta: { tags: {}, sections: {} } }],
  },
  { type: "error", code: "name-conflict", message: "taken" },
  { type: "user", payload: new Uint8Array([9, 9]) },
];

function plain(m: unknown): unknown {
  return JSON.parse(JSON.stringify(m, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v)));
}

describe("codec", () => {
  it("round-trips every message type, alone and compound", () => {
    for (const m of samples) {
      const r = decodeFrame(encodeMessage(m));
      expect(r.ok && plain(r.messages)).toEqual(plain([m]));
    }
    const r = decodeFrame(encodeCompound(samples.map(encodePart)));
    expect(r.ok && plain(r.messages)).toEqual(plain(samples));
  });

  it("starts every frame with the version byte and the type tag", () => {
    const f = encodeMessage({ type: "ack", seq: 1 });
    expect([f[0], f[1]]).toEqual([PROTOCOL_VERSION, Tag.Ack]);
  });

  it("rejects a wrong version, unknown tag, empty and truncated frames with an error", () => {
    const good = encodeMessage(samples[5] as Message);
    expect(decodeFrame(new Uint8Array([]))).toEqual({ ok: false, error: "empty" });
    expect(decodeFrame(Uint8Array.of(2, ...good.subarray(1)))).toEqual({ ok: false, error: "version" });
    expect(decodeFrame(Uint8Array.of(PROTOCOL_VERSION, 200, 0x90))).toEqual({ ok: false, error: "tag" });
    for (let cut = 2; cut < good.length; cut++) {
      const r = decodeFrame(good.subarray(0, cut));
      expect(r.ok, `cut at ${cut}`).toBe(false);
    }
  });

  it("bounds counts and lengths: oversize strings, too many tags, parts or nodes", () => {
    const frame = (tag: number, body: unknown): Uint8Array =>
      Uint8Array.of(PROTOCOL_VERSION, tag, ...pack(body));
    const long = "x".repeat(DEFAULT_CODEC_LIMITS.maxStringBytes + 1);
    expect(decodeFrame(frame(Tag.Ping, [1, long, "a", "b"]))).toEqual({ ok: false, error: "limit" });
    const tags = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    expect(decodeFrame(frame(Tag.Alive, [1, "n", "a", tags, {}]))).toEqual({ ok: false, error: "limit" });
    const big = { s: new Uint8Array(DEFAULT_CODEC_LIMITS.maxNodeStateBytes + 1) };
    expect(decodeFrame(frame(Tag.Alive, [1, "n", "a", {}, big]))).toEqual({ ok: false, error: "limit" });
    const parts = Array.from({ length: 65 }, () => encodePart({ type: "ack", seq: 1 }));
    expect(decodeFrame(frame(Tag.Compound, parts))).toEqual({ ok: false, error: "limit" });
    const nodes = Array.from({ length: 3 }, () => ["n", "a", 1, 0, {}, {}]);
    const lim = { ...DEFAULT_CODEC_LIMITS, maxPushPullNodes: 2 };
    expect(decodeFrame(frame(Tag.PushPull, [false, "n", nodes]), lim)).toEqual({ ok: false, error: "limit" });
  });

  it("rejects wrong field types and arities", () => {
    const frame = (tag: number, body: unknown): Uint8Array =>
      Uint8Array.of(PROTOCOL_VERSION, tag, ...pack(body));
    expect(decodeFrame(frame(Tag.Ack, [-1])).ok).toBe(false);
    expect(decodeFrame(frame(Tag.Ack, [1.5])).ok).toBe(false);
    expect(decodeFrame(frame(Tag.Ack, [1, 2])).ok).toBe(false);
    expect(decodeFrame(frame(Tag.Ack, { seq: 1 })).ok).toBe(false);
    expect(decodeFrame(frame(Tag.Suspect, [1, 2, 3])).ok).toBe(false);
    expect(decodeFrame(frame(Tag.IndirectPing, [1, "t", "a", "yes", "s", "a"])).ok).toBe(false);
    expect(decodeFrame(frame(Tag.PushPull, [false, "n", [["n", "a", 1, 9, {}, {}]]])).ok).toBe(false);
  });

  it("never throws on 20,000 random or mutated frames", () => {
    const rng = new SeededRng(42);
    const seeds = samples.map(encodeMessage);
    for (let i = 0; i < 20_000; i++) {
      let f: Uint8Array;
      if (i % 2 === 0) {
        f = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
        if (f.length > 0 && i % 4 === 0) f[0] = PROTOCOL_VERSION;
      } else {
        f = Uint8Array.from(seeds[rng.int(seeds.length)] as Uint8Array);
        for (let k = 0; k < 1 + rng.int(4); k++) f[1 + rng.int(f.length - 1)] = rng.int(256);
      }
      const r = decodeFrame(f);
      expect(typeof r.ok).toBe("boolean");
    }
  });
});

import { Unpackr } from "msgpackr";
import { describe, expect, it } from "vitest";
import {
  Channels,
  decodeBusMessage,
  DEFAULT_BUS_CONFIG,
  decodeInterest,
  encodeInterest,
  Subscription,
  typeHash,
  type ChannelOverlay,
  type Digest,
} from "../../src/bus/index.js";
import { Packr } from "msgpackr";
import {
  BatchWriter,
  encodeDiscoverReq,
  encodeDiscoverResp,
  encodeSeekReq,
  encodeSeekResp,
  fastRecords,
  Kind,
  msgpackRecords,
  Stream,
  streamKey,
} from "../../src/bus/internal.js";

const cfg = DEFAULT_BUS_CONFIG;
const d = (typeSeq: number, over: Partial<Digest> = {}): Digest => ({
  type: "T",
  origin: "o",
  epoch: 1,
  seq: typeSeq,
  typeSeq,
  publishTimeMs: 1,
  payload: new Uint8Array([typeSeq & 255]),
  headers: {},
  ...over,
});

describe("hold-back ordering (Stream)", () => {
  it("commits in order, holds what is early, refuses dups and jumps, and gives a gap up as a range", () => {
    const s = new Stream("k", "o", 1, "T");
    expect(s.offer(d(3), cfg)).toBe("held"); // seeking: held until the start is known
    s.activate({ typeSeq: 0, seq: 0, publishTimeMs: 0 }, 0);
    expect(s.offer(d(2), cfg)).toBe("held");
    expect(s.offer(d(2), cfg)).toBe("dup");
    expect(s.offer(d(1), cfg)).toBe("commit");
    s.advance(d(1), 0);
    const order: number[] = [];
    for (let x = s.nextReady(); x !== undefined; x = s.nextReady()) {
      order.push(x.typeSeq);
      s.advance(x, 0);
    }
    expect(order).toEqual([2, 3]);
    expect(s.offer(d(1), cfg)).toBe("dup"); // rewind
    expect(s.offer(d(3 + cfg.maxSequenceJump + 1), cfg)).toBe("jump");
    expect(s.offer(d(9), cfg)).toBe("held");
    expect(s.skipGap(5)).toEqual({
      from: { typeSeq: 4, seq: 4, publishTimeMs: 1 },
      to: { typeSeq: 8, seq: 8, publishTimeMs: 1 },
    });
    expect(s.nextReady()?.typeSeq).toBe(9);
  });

  it("is bounded by count and bytes", () => {
    const s = new Stream("k", "o", 1, "T");
    s.activate({ typeSeq: 0, seq: 0, publishTimeMs: 0 }, 0);
    const small = { ...cfg, maxHoldbackDigests: 3, maxHoldbackBytes: 10_000 };
    expect([5, 6, 7, 8].map((i) => s.offer(d(i), small))).toEqual(["held", "held", "held", "full"]);
    const bytes = { ...cfg, maxHoldbackBytes: 200 };
    const t = new Stream("k", "o", 1, "T");
    t.activate({ typeSeq: 0, seq: 0, publishTimeMs: 0 }, 0);
    expect(t.offer(d(5, { payload: new Uint8Array(150) }), bytes)).toBe("held");
    expect(t.offer(d(6, { payload: new Uint8Array(150) }), bytes)).toBe("full");
  });
});

describe("subscription queue and gap notice", () => {
  const make = (
    maxQueued: number,
    resume: Array<{ origin: string; type: string; epoch: number; sequence: number }> = [],
  ) => {
    const deferred: Array<() => void> = [];
    const sub = new Subscription(1, new Set(["T"]), "latest", maxQueued, 0, resume, {
      defer: (fn) => deferred.push(fn),
      taken: () => {},
      closed: () => {},
    });
    return { sub, run: () => deferred.splice(0).forEach((f) => f()) };
  };
  const K = streamKey("o", 1, "T");

  it("drops live overflow into ONE notice with ranges and a resume cursor, then resumes below half", () => {
    const { sub, run } = make(4);
    let readable = 0;
    sub.onReadable(() => readable++);
    for (let i = 1; i <= 10; i++) sub.offer(K, d(i, { seq: i * 2 }), true);
    run();
    expect(readable).toBe(1);
    expect(sub.queued).toBe(5);
    expect(sub.room()).toBe(0);
    const items = sub.drain(10);
    expect(items.map((i) => i.kind)).toEqual(["digest", "digest", "digest", "digest", "gap"]);
    const gap = items[4]?.kind === "gap" ? items[4].gap : undefined;
    expect(gap?.reason).toBe("SLOW_CONSUMER");
    expect(gap?.ranges).toEqual([{ origin: "o", epoch: 1, type: "T", fromSeq: 5, toSeq: 10 }]);
    expect(gap?.resumeFrom).toEqual({ positions: [{ origin: "o", type: "T", epoch: 1, sequence: 10 }] });
    sub.offer(K, d(11, { seq: 22 }), true);
    expect(sub.next()).toMatchObject({ kind: "digest", digest: { seq: 22 } });
    expect(sub.cursor().positions).toEqual([{ origin: "o", type: "T", epoch: 1, sequence: 11 }]);
    expect(sub.dropped).toBe(6);
  });

  it("catch-up reads never overflow; filters skip what the client already has", () => {
    const { sub } = make(2, [{ origin: "o", type: "T", epoch: 1, sequence: 3 }]);
    sub.filters.set(K, { skipThroughSeq: 3 });
    for (let i = 1; i <= 5; i++) if (sub.room() > 0) sub.offer(K, d(i), false);
    expect(sub.drain().map((i) => (i.kind === "digest" ? i.digest.seq : -1))).toEqual([4, 5]);
    sub.lose("UNRECOVERABLE", K, { origin: "o", epoch: 1, type: "T", fromSeq: 6, toSeq: 9 });
    expect(sub.next()).toMatchObject({
      kind: "gap",
      gap: { reason: "UNRECOVERABLE", resumeFrom: { positions: [{ sequence: 9 }] } },
    });
  });
});

describe("interest encoding", () => {
  it("round-trips 4-byte hashes; 200 types fit the 1 KiB node state; malformed is null", () => {
    const types = Array.from({ length: 200 }, (_, i) => `acme.orders.v1.Event${i}`);
    const bytes = encodeInterest(types);
    expect(bytes.length).toBe(3 + 800);
    const set = decodeInterest(bytes, 200);
    expect(set?.size).toBe(200);
    expect(set?.has(typeHash("acme.orders.v1.Event7"))).toBe(true);
    expect(decodeInterest(bytes, 100)).toBeNull();
    expect(decodeInterest(bytes.subarray(0, 10), 200)).toBeNull();
    expect(decodeInterest(new Uint8Array([9, 0, 0]), 200)).toBeNull();
    expect(typeHash("A")).toBe(0x559aead0); // first 4 bytes of SHA-256("A")
  });
});

describe("channel mux", () => {
  it("routes by the first byte, strips it, counts unknown channels, and observes inbound", () => {
    let packetFn: (from: string, p: Uint8Array) => void = () => {};
    let requestFn: (from: string, p: Uint8Array, reply: (p: Uint8Array) => void) => void = () => {};
    const sent: Uint8Array[] = [];
    const fake: ChannelOverlay = {
      sendUserPacket: (_to, p) => (sent.push(p), p.length < 100),
      requestUser: (_to, p, _t, done) => done(new Uint8Array([p.length])),
      onUserPacket: (fn) => void (packetFn = fn),
      onUserRequest: (fn) => void (requestFn = fn),
    };
    const counts = new Map<string, number>();
    const ch = new Channels(fake, {
      inc: (n, l) => counts.set(`${n}${JSON.stringify(l)}`, 1),
      gauge: () => {},
    });
    const got: string[] = [];
    ch.claim(1, "one").onPacket((from, p) => got.push(`1:${from}:${[...p]}`));
    ch.claim(2, "two").onPacket((from, p) => got.push(`2:${from}:${[...p]}`));
    ch.claim(3, "three").onRequest((_from, p, reply) => reply(new Uint8Array([...p, 9])));
    const seen: string[] = [];
    ch.observe((c, kind, _from, p) => seen.push(`${c}/${kind}/${p.length}`));
    packetFn("a", new Uint8Array([1, 7, 8]));
    packetFn("b", new Uint8Array([2, 5]));
    packetFn("c", new Uint8Array([42, 5]));
    packetFn("c", new Uint8Array([]));
    let replied: number[] = [];
    requestFn("d", new Uint8Array([3, 4]), (p) => (replied = [...p]));
    expect(got).toEqual(["1:a:7,8", "2:b:5"]);
    expect(replied).toEqual([4, 9]);
    expect(counts.has('bus_channel_dropped_total{"channel":"42"}')).toBe(true);
    expect(counts.has('bus_channel_dropped_total{"channel":"none"}')).toBe(true);
    expect(ch.send(2, "x", new Uint8Array([1, 2]))).toBe(true);
    expect([...(sent[0] as Uint8Array)]).toEqual([2, 1, 2]);
    expect(ch.send(2, "x", new Uint8Array(200))).toBe(false);
    let r: number[] = [];
    ch.request(2, "x", new Uint8Array([1, 2, 3]), 100, (p) => (r = [...(p ?? [])]));
    expect(r).toEqual([4]);
    expect(seen).toEqual(["1/packet/2", "2/packet/1", "3/request/1", "2/reply/1"]);
    expect(() => ch.claim(0, "zero")).toThrow(/1\.\.255/);
    expect(ch.claim(2, "two")).toBe(ch.claim(2, "two"));
    expect(() => ch.claim(2, "kv")).toThrow("channel 2 is already claimed by two; kv must pick a free id");
  });
});

describe("bus codec", () => {
  it("the fast record reader agrees with msgpackr on every message it accepts, damaged ones included", () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const lim = { ...cfg, maxOriginBytes: 8, maxTypeNameBytes: 12, maxPayloadBytes: 40 };
    let accepted = 0;
    for (let round = 0; round < 3000; round++) {
      const w = new BatchWriter(Kind.Push);
      const n = 1 + rnd(6);
      for (let i = 0; i < n; i++) {
        const seq = [1, 2, 127, 128, 300, 70_000, 2 ** 33, 0][rnd(8)] as number;
        w.tryAdd(
          d(Math.max(1, seq - rnd(2)), {
            seq,
            origin: ["o", "origin-x", "origin-too-long", ""][rnd(4)] as string,
            type: ["T", "a.B", "bad\ttype", "t".repeat(20)][rnd(4)] as string,
            publishTimeMs: [0, 1, 2 ** 41][rnd(3)] as number,
            payload: new Uint8Array(rnd(60)).fill(rnd(256)),
          }),
          1 << 20,
        );
      }
      const body = Uint8Array.from(w.finish().subarray(1));
      for (let k = rnd(3); k > 0; k--) body[rnd(body.length)] = rnd(256); // damage
      const fast = fastRecords(body, 0, lim);
      if (fast === null) continue;
      accepted++;
      let slow: unknown;
      try {
        slow = msgpackRecords(body, lim);
      } catch {
        slow = "malformed";
      }
      expect(fast).toEqual(slow);
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it("round-trips a batch with string back-references and headers, filling an exact budget", () => {
    const w = new BatchWriter(Kind.Push);
    const ds = [d(1, { headers: { a: "b" } }), d(2, { origin: "p" }), d(3)];
    for (const x of ds) expect(w.tryAdd(x, 1000)).toBe(true);
    const bytes = w.finish();
    expect(bytes.length).toBe(w.size);
    const r = decodeBusMessage(bytes, cfg);
    expect(r).toEqual({ ok: true, msg: { kind: "push", digests: ds, refused: 0 } });
    const tight = new BatchWriter(Kind.Push);
    expect(tight.tryAdd(d(1), 20)).toBe(true);
    expect(tight.tryAdd(d(2), 20)).toBe(false);
    expect(tight.size).toBeLessThanOrEqual(20);
    expect(decodeBusMessage(new Uint8Array([Kind.Push, 0x92, 0, 0]), cfg)).toEqual({
      ok: false,
      error: "malformed",
    });
  });

  it("keeps back-references right when a type is named like an origin", () => {
    const ds = [
      d(1, { origin: "x", type: "x" }),
      d(2, { origin: "p", type: "x" }),
      d(3, { origin: "q", type: "p" }),
    ];
    const w = new BatchWriter(Kind.Push);
    for (const x of ds) expect(w.tryAdd(x, 1000)).toBe(true);
    expect(decodeBusMessage(w.finish(), cfg)).toEqual({
      ok: true,
      msg: { kind: "push", digests: ds, refused: 0 },
    });
  });

  it("writes records any MessagePack decoder reads: every int, string and bin size class", () => {
    const ints = [1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
    const names = ["o", "x".repeat(31), "y".repeat(32), "é".repeat(200), "z".repeat(70_000)];
    const sizes = [0, 255, 256, 65_535, 65_536];
    const ds: Digest[] = [];
    for (const [i, v] of ints.entries()) {
      ds.push(
        d(v, { seq: v, publishTimeMs: ints[ints.length - 1 - i] as number, origin: names[i % 5] as string }),
      );
    }
    for (const [i, n] of sizes.entries()) {
      ds.push(d(i + 1, { payload: new Uint8Array(n).fill(i), type: names[(i + 1) % 4] as string }));
    }
    const big = { ...cfg, maxOriginBytes: 100_000, maxTypeNameBytes: 1000 };
    const w = new BatchWriter(Kind.Push);
    for (const x of ds) expect(w.tryAdd(x, 1 << 24)).toBe(true);
    const bytes = w.finish();
    expect(bytes.length).toBe(w.size);
    expect(decodeBusMessage(bytes, big)).toEqual({
      ok: true,
      msg: { kind: "push", digests: ds, refused: 0 },
    });
    // The fast reader and msgpackr agree on it.
    const body = bytes.subarray(1);
    const fast = fastRecords(body, 0, big);
    if (fast !== null) expect(fast).toEqual(msgpackRecords(body, big));
    // Independent check: msgpackr reads the same records ([origin, type, epoch, seq, typeSeq, time, ...]).
    const recs = new Unpackr({ useRecords: false, mapsAsObjects: false }).unpackMultiple(bytes.subarray(1));
    expect((recs as unknown[][])[0]?.slice(3, 6)).toEqual([1, 1, 2 ** 53 - 1]);
  });

  it("seek and discovery messages round-trip; hostile ones are refused with a reason, never thrown", () => {
    expect(decodeBusMessage(encodeSeekReq("n1", 7, "T", null, 0), cfg)).toEqual({
      ok: true,
      msg: { kind: "seek-req", origin: "n1", epoch: 7, type: "T", sinceAgoMs: null, afterTypeSeq: 0 },
    });
    expect(decodeBusMessage(encodeSeekResp(true, 5, 9, 20, 12), cfg)).toEqual({
      ok: true,
      msg: { kind: "seek-resp", found: true, afterTypeSeq: 5, afterSeq: 9, hwm: 20, liveTypeSeq: 12 },
    });
    expect(decodeBusMessage(encodeDiscoverReq(["a.B", "c.D"]), cfg)).toEqual({
      ok: true,
      msg: { kind: "discover-req", types: ["a.B", "c.D"] },
    });
    const head = { origin: "n1", epoch: 3, type: "a.B", hwm: 10, floor: 2, upTo: 0 };
    expect(decodeBusMessage(encodeDiscoverResp([head]), cfg)).toEqual({
      ok: true,
      msg: { kind: "discover-resp", heads: [head] },
    });
    const packr = new Packr({ useRecords: false });
    const raw = (kind: number, body: unknown) => new Uint8Array([kind, ...packr.pack(body)]);
    const hostile: Array<[Uint8Array, string]> = [
      [raw(Kind.SeekResp, [true, 5, 9, 20]), "malformed"], // a field short
      [raw(Kind.SeekResp, [true, -1, 9, 20, 1]), "malformed"],
      [raw(Kind.SeekReq, ["n1", -3, "T", null, null]), "malformed"],
      [raw(Kind.DiscoverReq, "a.B"), "malformed"],
      [raw(Kind.DiscoverReq, [7]), "malformed"],
      [raw(Kind.DiscoverReq, ["bad\ntype"]), "limit"], // a string that is no type name
      [
        raw(
          Kind.DiscoverReq,
          Array.from({ length: cfg.maxInterestTypes + 1 }, (_, i) => `t${i}`),
        ),
        "limit",
      ],
      [raw(Kind.DiscoverResp, [["n1", 3, "a.B", 10, 2]]), "malformed"],
      [raw(Kind.DiscoverResp, {}), "malformed"],
      [new Uint8Array([Kind.DiscoverResp, 0xc1]), "malformed"],
      [new Uint8Array([99]), "kind"],
    ];
    for (const [bytes, error] of hostile)
      expect(decodeBusMessage(bytes, cfg), Buffer.from(bytes).toString("hex")).toEqual({ ok: false, error });
  });
});

import thrift from "thrift";
import { describe, expect, it } from "vitest";
import { buildAgentConfig, DEFAULT_CLIENT_LIMITS } from "../../src/config/index.js";
import { SubscribeResponse } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { type Digest, type GapNotice, GapReason } from "../../src/gen/proto/hearsay/v1/types.js";
import type { BusDigest, SubscriptionItem } from "../../src/gateway/index.js";
import {
  BoundedPoll,
  encodeDigestBatch,
  SubscribeBatchEncoder,
  thriftDigestBytes,
  type WireItem,
} from "../../src/gateway/internal.js";
import { MemoryMetrics } from "../../src/observe/index.js";
import { thriftTypes } from "../support/thrift-client.js";

// Subscribe responses and Thrift poll answers are cut by bytes as well as count (issue #15).

const bus = (seq: number, bytes: number): BusDigest => ({
  type: "demo.Blob",
  payload: new Uint8Array(bytes).fill(seq % 251),
  origin: "n1",
  epoch: 7,
  seq,
  typeSeq: seq,
  publishTimeMs: 1_764_000_000_000 + seq,
  headers: { i: String(seq) },
});
const items = (ds: BusDigest[]): SubscriptionItem[] => ds.map((digest) => ({ kind: "digest", digest }));
const seqsOf = (b: Buffer): number[] => {
  const m = SubscribeResponse.decode(b);
  return m.item?.$case === "batch" ? m.item.batch.digests.map((d) => Number(d.sequence)) : [];
};

/** Encodes every item as the stream would, returning each response's sequences and size. */
function encodeAll(enc: SubscribeBatchEncoder, all: SubscriptionItem[], max: number) {
  const out: Array<{ seqs: number[]; bytes: number; cut: boolean }> = [];
  for (let at = 0; at < all.length;) {
    const b = enc.encode(all, at, max);
    out.push({ seqs: seqsOf(b), bytes: b.length, cut: enc.cutByBytes });
    at = enc.end;
  }
  return out;
}

describe("SubscribeBatchEncoder", () => {
  const ds = Array.from({ length: 10 }, (_, i) => bus(i + 1, 1000));
  const three = encodeDigestBatch(ds.slice(0, 3), null).length;

  it("takes a digest that ends exactly at the budget, and cuts before one that passes it", () => {
    const exact = encodeAll(new SubscribeBatchEncoder(null, three, Infinity), items(ds), 1024);
    expect(exact.map((r) => r.seqs.length)).toEqual([3, 3, 3, 1]);
    expect(exact.map((r) => r.cut)).toEqual([true, true, true, false]);
    for (const r of exact) expect(r.bytes).toBeLessThanOrEqual(three);
    const under = encodeAll(new SubscribeBatchEncoder(null, three - 1, Infinity), items(ds), 1024);
    expect(under.map((r) => r.seqs.length)).toEqual([2, 2, 2, 2, 2]);
    expect(under.flatMap((r) => r.seqs)).toEqual(ds.map((d) => d.seq));
  });

  it("sends a digest larger than the budget alone, in order, between batched small ones", () => {
    const mix = [bus(1, 10), bus(2, 10), bus(3, 5000), bus(4, 10), bus(5, 6000), bus(6, 7000), bus(7, 10)];
    const r = encodeAll(new SubscribeBatchEncoder(null, 1000, Infinity), items(mix), 1024);
    expect(r.map((x) => x.seqs)).toEqual([[1, 2], [3], [4], [5], [6], [7]]);
    for (const x of r) if (x.seqs.length > 1) expect(x.bytes).toBeLessThanOrEqual(1000);
  });

  it("still batches many small digests by count, and stops at a gap notice", () => {
    const small = Array.from({ length: 2500 }, (_, i) => bus(i + 1, 20));
    const r = encodeAll(new SubscribeBatchEncoder(null, 1024 * 1024, Infinity), items(small), 1024);
    expect(r.map((x) => x.seqs.length)).toEqual([1024, 1024, 452]);
    expect(r.every((x) => !x.cut)).toBe(true);
    const gap: SubscriptionItem = {
      kind: "gap",
      gap: { reason: "slow-consumer", ranges: [], message: "", resumeFrom: [] },
    };
    const enc = new SubscribeBatchEncoder(null, 1024 * 1024, Infinity);
    expect(
      seqsOf(enc.encode([...items(small.slice(0, 3)), gap, ...items(small.slice(3, 5))], 0, 1024)),
    ).toEqual([1, 2, 3]);
    expect(enc.end).toBe(3);
  });

  it("counts the JSON rendering, and drops it from a digest that would pass the message limit with it", () => {
    const json = (d: BusDigest) => "x".repeat(d.payload.length * 3);
    const ds2 = [bus(1, 300), bus(2, 300), bus(3, 300)];
    const withJson = encodeAll(new SubscribeBatchEncoder(json, 2000, Infinity), items(ds2), 1024);
    expect(withJson.map((x) => x.seqs.length)).toEqual([1, 1, 1]);
    const enc = new SubscribeBatchEncoder(json, 100_000, 1000);
    const b = enc.encode(items([bus(1, 200), bus(2, 300)]), 0, 1024);
    const got = SubscribeResponse.decode(b);
    if (got.item?.$case !== "batch") throw new Error("no batch");
    expect(got.item.batch.digests.map((d) => d.json)).toEqual(["x".repeat(600), undefined]);
    expect(enc.jsonOmitted).toBe(1);
  });

  it("counts a dropped rendering once, in the response that carries the digest", () => {
    const json = (d: BusDigest) => "x".repeat(d.payload.length * 3);
    // The second digest's JSON is dropped (message limit 1000), and it does not fit beside the first.
    const enc = new SubscribeBatchEncoder(json, 900, 1000);
    const queue = items([bus(1, 200), bus(2, 300)]);
    enc.encode(queue, 0, 1024);
    expect([enc.end, enc.cutByBytes, enc.jsonOmitted]).toEqual([1, true, 0]);
    enc.encode(queue, 1, 1024);
    expect([enc.end, enc.jsonOmitted]).toEqual([2, 1]);
  });
});

/** A subscription whose queue is `queue`, drained as the bus would. */
function fakeSub(queue: Array<{ digest: Digest } | { gap: GapNotice }>) {
  let closed = false;
  return {
    sub: {
      id: "s1",
      types: ["demo.Blob"],
      includeJson: false,
      drain: (max: number) => queue.splice(0, max),
      drainItems: () => [],
      json: null,
      onReadable: () => {},
      close: () => (closed = true),
    },
    closed: () => closed,
  };
}

const wire = (seq: number, bytes: number, json?: string): { digest: Digest } => ({
  digest: {
    type: "demo.Blob",
    payload: Buffer.alloc(bytes, seq % 251),
    origin: "nœud-1",
    epoch: 7n,
    sequence: BigInt(seq),
    streamSequence: BigInt(seq),
    publishTimeMs: BigInt(1_764_000_000_000 + seq),
    headers: { i: String(seq), ü: "ß" },
    id: `nœud-1:7:${seq}`,
    json,
  },
});
const seqs = (xs: WireItem[]) =>
  xs.map((x) => ("digest" in x ? Number(x.digest.sequence) : "gap" in x ? "gap" : "caught-up"));

/** A Digest's encoded size in the given Thrift protocol. */
function thriftSize(d: Digest, Protocol: new (t: unknown) => unknown): number {
  let n = 0;
  const t = new thrift.TFramedTransport(undefined, (buf?: Buffer) => (n += (buf?.length ?? 4) - 4));
  const p = new Protocol(t) as { flush(): void };
  const td = new thriftTypes.Digest!({
    ...d,
    sequence: new thrift.Int64(Number(d.sequence)),
    publishTimeMs: new thrift.Int64(Number(d.publishTimeMs)),
    epoch: new thrift.Int64(Number(d.epoch)),
    streamSequence: new thrift.Int64(Number(d.streamSequence)),
    json: d.json ?? null,
  }) as { write(p: unknown): void };
  td.write(p);
  p.flush();
  return n;
}

describe("BoundedPoll", () => {
  it("estimates a digest at or above its binary and compact encodings", () => {
    for (const d of [wire(1, 0), wire(2 ** 40, 70_000, '{"a":"ü"}'), wire(3, 5)]) {
      const est = thriftDigestBytes(d.digest);
      for (const P of [thrift.TBinaryProtocol, thrift.TCompactProtocol]) {
        const real = thriftSize(d.digest, P as never);
        expect(est).toBeGreaterThanOrEqual(real);
        expect(est - real).toBeLessThan(128);
      }
    }
  });

  it("cuts answers by bytes, sends an oversize digest alone, keeps the rest in order for the next poll", () => {
    const gap: { gap: GapNotice } = {
      gap: { reason: GapReason.GAP_REASON_SLOW_CONSUMER, ranges: [], message: "slow", resumeFrom: undefined },
    };
    const queue = [wire(1, 100), wire(2, 100), wire(3, 5000), gap, wire(4, 100), wire(5, 100), wire(6, 100)];
    const f = fakeSub(queue);
    const metrics = new MemoryMetrics();
    const poll = new BoundedPoll(f.sub, 1000, 1 << 20, metrics);
    const answers = [];
    for (let i = 0; i < 10; i++) {
      const a = poll.drain(4096);
      if (a.length === 0) break;
      answers.push(seqs(a));
    }
    // 3 passes the budget alone: it ends its answer (the gap notice after it still goes along).
    expect(answers).toEqual([
      [1, 2],
      [3, "gap"],
      [4, 5, 6],
    ]);
    expect(metrics.get("gateway_subscribe_batches_cut_by_bytes_total", { transport: "thrift" })).toBe(2);
    poll.close();
    expect(f.closed()).toBe(true);
  });

  it("takes a digest that ends exactly at the budget; the asked max stays a count cap", () => {
    const one = thriftDigestBytes(wire(1, 100).digest);
    const budget = 64 + 3 * one; // the answer envelope + three digests
    const f = fakeSub(Array.from({ length: 7 }, (_, i) => wire(i + 1, 100)));
    const poll = new BoundedPoll(f.sub, budget, 1 << 20, new MemoryMetrics());
    expect(seqs(poll.drain(4096))).toEqual([1, 2, 3]);
    expect(seqs(poll.drain(2))).toEqual([4, 5]);
    expect(seqs(poll.drain(4096))).toEqual([6, 7]);
    expect(poll.drain(4096)).toEqual([]);
  });

  it("drops the JSON of a digest that would pass the frame limit with it", () => {
    const metrics = new MemoryMetrics();
    const f = fakeSub([wire(1, 100, "j".repeat(5000)), wire(2, 100, "{}")]);
    const a = new BoundedPoll(f.sub, 1 << 20, 4000, metrics).drain(10);
    expect(a.map((x) => ("digest" in x ? x.digest.json : null))).toEqual([undefined, "{}"]);
    expect(metrics.get("gateway_subscribe_json_omitted_total", { transport: "thrift" })).toBe(1);
  });
});

describe("limits.maxSubscribeBatchBytes", () => {
  it("defaults to 1 MiB and may not pass the transport limits", () => {
    expect(DEFAULT_CLIENT_LIMITS.maxSubscribeBatchBytes).toBe(1024 * 1024);
    const ok = buildAgentConfig({ nodeName: "n1", limits: { maxSubscribeBatchBytes: 4 * 1024 * 1024 } }, "h");
    expect(ok.ok).toBe(true);
    const over = buildAgentConfig(
      {
        nodeName: "n1",
        limits: { maxSubscribeBatchBytes: 2 * 1024 * 1024, maxThriftFrameBytes: 1024 * 1024 },
      },
      "h",
    );
    expect(over.ok).toBe(false);
    if (!over.ok)
      expect(over.error).toContain("limits.maxSubscribeBatchBytes: 2097152 is over the transport limit");
  });
});

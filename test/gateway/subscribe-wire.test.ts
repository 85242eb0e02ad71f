import { describe, expect, it } from "vitest";
import { SubscribeResponse } from "../../src/gen/proto/hearsay/v1/gateway.js";
import type { Digest } from "../../src/gen/proto/hearsay/v1/types.js";
import type { BusDigest } from "../../src/gateway/index.js";
import { encodeDigestBatch, GatewayServiceWithRawSubscribe } from "../../src/gateway/internal.js";

// The hand-written Subscribe batch encoder must write exactly what the
// generated encoder writes for the proto digests DigestService builds.

function proto(d: BusDigest, json: string | undefined): Digest {
  return {
    type: d.type,
    payload: Buffer.from(d.payload),
    origin: d.origin,
    sequence: BigInt(d.seq),
    publishTimeMs: BigInt(Math.floor(d.publishTimeMs)),
    headers: { ...d.headers },
    id: `${d.origin}:${d.epoch}:${d.seq}`,
    json,
    epoch: BigInt(d.epoch),
    streamSequence: BigInt(d.typeSeq),
  };
}

const digests: BusDigest[] = [
  {
    type: "a.B",
    payload: new Uint8Array([1, 2, 3]),
    origin: "n1",
    epoch: 1,
    seq: 1,
    typeSeq: 1,
    publishTimeMs: 0,
    headers: {},
  },
  {
    type: "t".repeat(200),
    payload: new Uint8Array(300).fill(7),
    origin: "nœud-é",
    epoch: 1_764_000_000_123 * 1024 + 77,
    seq: 2 ** 40 + 3,
    typeSeq: 2 ** 33,
    publishTimeMs: 1_764_000_000_123,
    headers: { k: "v", "": "empty key", empty: "", ü: "ß".repeat(70) },
  },
  {
    type: "a.B",
    payload: new Uint8Array(0),
    origin: "o".repeat(90),
    epoch: 127,
    seq: 127,
    typeSeq: 128,
    publishTimeMs: 128,
    headers: {},
  },
  {
    type: "a.B",
    payload: new Uint8Array(70_000),
    origin: "n1",
    epoch: 1,
    seq: 16_384,
    typeSeq: 16_383,
    publishTimeMs: 5.7,
    headers: {},
  },
];

describe("Subscribe batch encoder", () => {
  it("writes the generated encoder's bytes, with and without JSON", () => {
    for (const json of [null, (d: BusDigest) => (d.seq % 2 === 0 ? `{"seq":${d.seq}}` : undefined)]) {
      const want = SubscribeResponse.encode({
        item: { $case: "batch", batch: { digests: digests.map((d) => proto(d, json?.(d))) } },
      }).finish();
      const got = encodeDigestBatch(digests, json);
      expect(Buffer.from(got).equals(Buffer.from(want))).toBe(true);
      expect(SubscribeResponse.decode(got)).toEqual(SubscribeResponse.decode(want));
    }
  });

  it("serves pre-encoded Buffers as they are and encodes response objects", () => {
    const ser = GatewayServiceWithRawSubscribe.subscribe.responseSerialize;
    const raw = encodeDigestBatch(digests.slice(0, 1), null);
    expect(ser(raw)).toBe(raw);
    const msg: SubscribeResponse = { item: { $case: "keepalive", keepalive: { serverTimeMs: 5n } } };
    expect(SubscribeResponse.decode(ser(msg))).toEqual(msg);
  });
});

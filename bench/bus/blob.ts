// The benchmark's digest type and the lean protobuf handling of the hot
// paths. Payloads are `bench.Blob { bytes data = 1; }` of exactly 256 bytes
// (or as configured) whose data starts with the send time (float64 LE,
// performance.now() of this process). Subscribe responses are walked, not
// decoded into objects, so the bench process's own CPU stays small beside
// the gateways it measures (they share two cores).
import { PublishStreamRequest } from "../../src/gen/proto/hearsay/v1/gateway.js";

export const BLOB_TYPE = "bench.Blob";
export const BLOB_PROTO = `syntax = "proto3";
package bench;
// A benchmark payload; data starts with the send time (float64 LE, ms).
message Blob { bytes data = 1; }
`;

/** A Blob encoding of exactly `size` bytes (size >= 11), data stamped with `stampMs`. */
export function blobPayload(size: number, stampMs: number): Buffer {
  // tag (1) + varint length (1 or 2) + data
  const lenBytes = size - 1 - 1 <= 127 ? 1 : 2;
  const dataLen = size - 1 - lenBytes;
  const out = Buffer.alloc(size, 0x2a);
  out[0] = 0x0a;
  if (lenBytes === 1) out[1] = dataLen;
  else {
    out[1] = (dataLen & 0x7f) | 0x80;
    out[2] = dataLen >> 7;
  }
  out.writeDoubleLE(stampMs, 1 + lenBytes);
  return out;
}

/** One PublishStreamRequest of `count` Blob digests, all stamped `stampMs`. */
export function encodeBatch(count: number, size: number, stampMs: number): Buffer {
  const payload = blobPayload(size, stampMs);
  const digests = Array.from({ length: count }, () => ({
    type: BLOB_TYPE,
    body: { $case: "payload" as const, payload },
    headers: {},
  }));
  return Buffer.from(PublishStreamRequest.encode({ overlay: "", digests }).finish());
}

/** What one SubscribeResponse carried. */
export interface Walked {
  kind: "started" | "batch" | "gap" | "keepalive" | "other";
  digests: number;
}

function varint(b: Buffer, at: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[at++] as number;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [v, at];
    shift += 7;
    if (shift > 49) throw new Error("varint too long");
  }
}

/** Skips one field of wire type `wt` at `at`; returns the next offset. */
function skip(b: Buffer, at: number, wt: number): number {
  if (wt === 0) return varint(b, at)[1];
  if (wt === 1) return at + 8;
  if (wt === 5) return at + 4;
  if (wt === 2) {
    const [len, p] = varint(b, at);
    return p + len;
  }
  throw new Error(`wire type ${wt}`);
}

/**
 * Walks a SubscribeResponse: its kind, and for a batch the number of digests;
 * `onStamp` gets each digest's send time (read from its Blob payload) when given.
 */
export function walkResponse(b: Buffer, onStamp?: (stampMs: number) => void): Walked {
  if (b.length === 0) return { kind: "other", digests: 0 };
  const [key, p] = varint(b, 0);
  const field = Math.floor(key / 8);
  const kinds = ["other", "started", "batch", "gap", "keepalive"] as const;
  const kind = kinds[field] ?? "other";
  if (kind !== "batch") return { kind, digests: 0 };
  const [len, start] = varint(b, p);
  const end = start + len;
  let digests = 0;
  for (let at = start; at < end;) {
    const [k, q] = varint(b, at);
    if (k !== 0x0a) {
      at = skip(b, q, k & 7);
      continue;
    }
    const [dlen, dstart] = varint(b, q);
    digests++;
    if (onStamp !== undefined) {
      const stamp = stampOf(b, dstart, dstart + dlen);
      if (stamp !== null) onStamp(stamp);
    }
    at = dstart + dlen;
  }
  return { kind, digests };
}

/** The send time inside one Digest message (field 2 = payload = Blob; Blob field 1 = data). */
function stampOf(b: Buffer, start: number, end: number): number | null {
  for (let at = start; at < end;) {
    const [k, q] = varint(b, at);
    if (k !== 0x12) {
      at = skip(b, q, k & 7);
      continue;
    }
    const [, pstart] = varint(b, q); // payload length
    const [, dstart] = varint(b, pstart + 1); // Blob: tag 0x0a, data length
    return b.readDoubleLE(dstart);
  }
  return null;
}

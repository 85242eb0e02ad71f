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

/**
 * One PublishStreamRequest of `count` Blob digests, all stamped `stampMs`:
 * the generated encoding of one digest, repeated, with the stamps patched in
 * (the paced latency run encodes one per millisecond, and the bench process's
 * garbage would show in the latencies it measures).
 */
export function encodeBatch(count: number, size: number, stampMs: number): Buffer {
  const one = digestTemplate(size);
  const out = Buffer.allocUnsafe(count * one.bytes.length);
  for (let i = 0; i < count; i++) {
    one.bytes.copy(out, i * one.bytes.length);
    out.writeDoubleLE(stampMs, i * one.bytes.length + one.stampAt);
  }
  return out;
}

let template: { size: number; bytes: Buffer; stampAt: number } | null = null;

/** `PublishStreamRequest { digests: [d] }` for one Blob digest of `size` bytes, and where its stamp is. */
function digestTemplate(size: number): { bytes: Buffer; stampAt: number } {
  if (template?.size === size) return template;
  const marker = -1.25e-300; // an unlikely double to find in the encoding
  const payload = blobPayload(size, marker);
  const bytes = Buffer.from(
    PublishStreamRequest.encode({
      overlay: "",
      digests: [{ type: BLOB_TYPE, body: { $case: "payload", payload }, headers: {} }],
    }).finish(),
  );
  const m = Buffer.alloc(8);
  m.writeDoubleLE(marker);
  template = { size, bytes, stampAt: bytes.indexOf(m) };
  return template;
}

/** What one SubscribeResponse carried. */
export interface Walked {
  kind: "started" | "batch" | "gap" | "keepalive" | "other";
  digests: number;
}

// The walker keeps its read position here instead of returning [value, next] pairs: the bench
// process walks ~100,000 digests/s beside the gateways it measures, and its garbage (GC pauses)
// would show in the latency it stamps.
let pos = 0;

function varint(b: Buffer): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[pos++] as number;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return v;
    shift += 7;
    if (shift > 49) throw new Error("varint too long");
  }
}

/** Skips one field of wire type `wt` at `pos`. */
function skip(b: Buffer, wt: number): void {
  if (wt === 0) varint(b);
  else if (wt === 1) pos += 8;
  else if (wt === 5) pos += 4;
  else if (wt === 2) {
    const len = varint(b);
    pos += len;
  } else throw new Error(`wire type ${wt}`);
}

const KINDS = ["other", "started", "batch", "gap", "keepalive"] as const;

/**
 * Walks a SubscribeResponse: its kind, and for a batch the number of digests;
 * `onStamp` gets each digest's send time (read from its Blob payload) when given.
 */
export function walkResponse(b: Buffer, onStamp?: (stampMs: number) => void): Walked {
  if (b.length === 0) return { kind: "other", digests: 0 };
  pos = 0;
  const key = varint(b);
  const kind = KINDS[Math.floor(key / 8)] ?? "other";
  if (kind !== "batch") return { kind, digests: 0 };
  const len = varint(b);
  const end = pos + len;
  let digests = 0;
  while (pos < end) {
    const k = varint(b);
    if (k !== 0x0a) {
      skip(b, k & 7);
      continue;
    }
    const dlen = varint(b);
    const dend = pos + dlen;
    digests++;
    if (onStamp !== undefined) {
      const stamp = stampOf(b, dend);
      if (stamp !== null) onStamp(stamp);
    }
    pos = dend;
  }
  return { kind, digests };
}

/** The send time inside the Digest message at `pos` (field 2 = payload = Blob; Blob field 1 = data). */
function stampOf(b: Buffer, end: number): number | null {
  while (pos < end) {
    const k = varint(b);
    if (k !== 0x12) {
      skip(b, k & 7);
      continue;
    }
    varint(b); // payload length
    pos++; // Blob: tag 0x0a
    varint(b); // data length
    return b.readDoubleLE(pos);
  }
  return null;
}

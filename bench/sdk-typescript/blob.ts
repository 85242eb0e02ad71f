// The benchmark digest: `message Blob { bytes data = 1; }`, data's first 8
// bytes the publish instant (ms, float64) so the receiver measures latency.
import type { Codec } from "../../src/sdk/index.js";

export const BLOB_TYPE = "bench.sdk.Blob";
export const BLOB_PROTO = `syntax = "proto3";\npackage bench.sdk;\nmessage Blob { bytes data = 1; }\n`;

export const nowMs = (): number => performance.timeOrigin + performance.now();

/** A Blob payload of `size` data bytes (size >= 8, < 16384) stamped now. */
export function blob(size: number): Uint8Array {
  const lenBytes = size < 128 ? [size] : [(size & 0x7f) | 0x80, size >> 7];
  const out = Buffer.alloc(1 + lenBytes.length + size, 0x61);
  out[0] = 0x0a;
  out.set(lenBytes, 1);
  out.writeDoubleLE(nowMs(), 1 + lenBytes.length);
  return out;
}

/** The stamp of a Blob payload made by `blob`. */
export function stampOf(payload: Uint8Array): number {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const offset = (b[1]! & 0x80) !== 0 ? 3 : 2;
  return b.readDoubleLE(offset);
}

/** Payload bytes in, the same bytes out: the benchmark measures transport, not encoding. */
export const blobCodec: Codec<Uint8Array> = { typeName: BLOB_TYPE, encode: (m) => m, decode: (b) => b };

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// node-int64 is what the Thrift runtime reads and writes i64 values as.
const Int64 = require("node-int64") as new (hi: number | string | Buffer, lo?: number) => Int64Value;

export interface Int64Value {
  buffer: Buffer;
  toNumber(allowImprecise: boolean): number;
}

/** An unsigned 64-bit value (sequence, version) as a Thrift i64 (two's complement, never negative here). */
export function toThriftI64(v: bigint | number): Int64Value {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)));
  return new Int64(b);
}

/** A Thrift i64 read from the wire as a bigint, read unsigned (uint64 on the gRPC API). */
export function fromThriftI64(v: Int64Value | number | null | undefined): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === "number") return BigInt.asUintN(64, BigInt(v));
  return v.buffer.readBigUInt64BE(0);
}

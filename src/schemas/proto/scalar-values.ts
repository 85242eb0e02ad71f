import type { ProtoScalar, ProtoValueType } from "./model.js";
import type { SingleValue } from "./values.js";

/** The value of a varint-encoded scalar from the varint's unsigned 32-bit halves. */
export function varintValue(s: ProtoScalar, lo: number, hi: number): SingleValue {
  switch (s) {
    case "int32":
      return lo | 0;
    case "uint32":
      return lo;
    case "sint32":
      return (lo >>> 1) ^ -(lo & 1);
    case "bool":
      return lo !== 0 || hi !== 0;
    case "int64":
      return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    case "sint64": {
      const n = (BigInt(hi) << 32n) | BigInt(lo);
      return (n >> 1n) ^ -(n & 1n);
    }
    default:
      return (BigInt(hi) << 32n) | BigInt(lo);
  }
}

/** The zero value of a scalar kind. */
export function defaultScalar(s: ProtoScalar): SingleValue {
  switch (s) {
    case "bool":
      return false;
    case "string":
      return "";
    case "bytes":
      return new Uint8Array(0);
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      return 0n;
    default:
      return 0;
  }
}

/** The zero value of a value type (an empty message for message types). */
export function defaultValue(type: ProtoValueType): SingleValue {
  if (type.kind === "scalar") return defaultScalar(type.scalar);
  return type.kind === "enum" ? 0 : new Map();
}

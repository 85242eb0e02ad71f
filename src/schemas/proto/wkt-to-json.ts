import { toBase64 } from "../common/base64.js";
import { jsonObject } from "../common/json.js";
import { joinPath } from "../path.js";
import { decodeProto } from "./decode.js";
import { NOT_SPECIAL, scalarToJson, type JsonRenderer } from "./json-scalar.js";
import type { ProtoScalar } from "./model.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";

/** Wrapper types render as their bare value. */
export const WRAPPERS: ReadonlyMap<string, ProtoScalar> = new Map<string, ProtoScalar>([
  ["google.protobuf.DoubleValue", "double"],
  ["google.protobuf.FloatValue", "float"],
  ["google.protobuf.Int64Value", "int64"],
  ["google.protobuf.UInt64Value", "uint64"],
  ["google.protobuf.Int32Value", "int32"],
  ["google.protobuf.UInt32Value", "uint32"],
  ["google.protobuf.BoolValue", "bool"],
  ["google.protobuf.StringValue", "string"],
  ["google.protobuf.BytesValue", "bytes"],
]);

/** Types whose proto3 JSON is not an object of fields; inside Any they sit under "value". */
export function hasSpecialJson(name: string): boolean {
  return WRAPPERS.has(name) || SPECIAL.has(name);
}

const SPECIAL = new Set([
  "google.protobuf.Timestamp",
  "google.protobuf.Duration",
  "google.protobuf.FieldMask",
  "google.protobuf.Struct",
  "google.protobuf.Value",
  "google.protobuf.ListValue",
]);

/** Bounds of Timestamp (0001-01-01 to 9999-12-31) and Duration (about 10,000 years), seconds. */
export const TIMESTAMP_MIN_S = -62_135_596_800n;
export const TIMESTAMP_MAX_S = 253_402_300_799n;
export const DURATION_MAX_S = 315_576_000_000n;

/** proto3 JSON for the well-known types, or NOT_SPECIAL for the ordinary mapping. */
export function wellKnownToJson(
  r: JsonRenderer,
  name: string,
  v: MessageValue,
  depth: number,
  path: string,
): unknown {
  if (!name.startsWith("google.protobuf.")) return NOT_SPECIAL;
  const wrapped = WRAPPERS.get(name);
  if (wrapped !== undefined) return scalarToJson(wrapped, (v.get(1) as SingleValue) ?? zeroOf(wrapped));
  switch (name) {
    case "google.protobuf.Timestamp":
      return timestampToJson(r, (v.get(1) as bigint) ?? 0n, (v.get(2) as number) ?? 0, path);
    case "google.protobuf.Duration":
      return durationToJson(r, (v.get(1) as bigint) ?? 0n, (v.get(2) as number) ?? 0, path);
    case "google.protobuf.FieldMask":
      return ((v.get(1) as string[]) ?? []).map(snakeToCamel).join(",");
    case "google.protobuf.Struct":
      return structToJson(r, v, depth, path);
    case "google.protobuf.ListValue":
      return ((v.get(1) as MessageValue[]) ?? []).map((item) => valueToJson(r, item, depth + 1, path));
    case "google.protobuf.Value":
      return valueToJson(r, v, depth, path);
    case "google.protobuf.Any":
      return anyToJson(r, v, depth, path);
    default:
      return NOT_SPECIAL;
  }
}

function zeroOf(s: ProtoScalar): SingleValue {
  if (s === "int64" || s === "uint64") return 0n;
  if (s === "bool") return false;
  if (s === "string") return "";
  if (s === "bytes") return new Uint8Array(0);
  return 0;
}

function timestampToJson(r: JsonRenderer, seconds: bigint, nanos: number, path: string): unknown {
  if (seconds < TIMESTAMP_MIN_S || seconds > TIMESTAMP_MAX_S || nanos < 0 || nanos > 999_999_999) {
    return r.fail(`Timestamp ${seconds}s ${nanos}ns is out of range`, path);
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // "YYYY-MM-DDTHH:MM:SS.000Z"
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`;
}

function durationToJson(r: JsonRenderer, seconds: bigint, nanos: number, path: string): unknown {
  const abs = seconds < 0n ? -seconds : seconds;
  const mixedSigns = (seconds < 0n && nanos > 0) || (seconds > 0n && nanos < 0);
  if (abs > DURATION_MAX_S || Math.abs(nanos) > 999_999_999 || mixedSigns) {
    return r.fail(`Duration ${seconds}s ${nanos}ns is out of range`, path);
  }
  const sign = seconds < 0n || nanos < 0 ? "-" : "";
  return `${sign}${abs}${fraction(Math.abs(nanos))}s`;
}

/** ".5" style fraction with 0, 3, 6 or 9 digits, as proto3 JSON writes it. */
function fraction(nanos: number): string {
  if (nanos === 0) return "";
  const nine = String(nanos).padStart(9, "0");
  if (nanos % 1_000_000 === 0) return `.${nine.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${nine.slice(0, 6)}`;
  return `.${nine}`;
}

function structToJson(r: JsonRenderer, v: MessageValue, depth: number, path: string): unknown {
  const out = jsonObject();
  const fields = (v.get(1) as Map<MapKey, SingleValue>) ?? new Map();
  for (const [key, item] of fields) out[String(key)] = valueToJson(r, item as MessageValue, depth + 1, path);
  return out;
}

function valueToJson(r: JsonRenderer, v: MessageValue, depth: number, path: string): unknown {
  if (depth > r.limits.maxDecodeDepth) {
    return r.fail(`payload nests deeper than maxDecodeDepth (${r.limits.maxDecodeDepth})`, path);
  }
  if (v.has(1)) return null;
  if (v.has(2)) {
    const n = v.get(2) as number;
    return Number.isFinite(n)
      ? n
      : r.fail("google.protobuf.Value holds NaN or Infinity, which JSON cannot", path);
  }
  if (v.has(3)) return v.get(3);
  if (v.has(4)) return v.get(4);
  if (v.has(5)) return structToJson(r, v.get(5) as MessageValue, depth + 1, path);
  if (v.has(6)) {
    const list = ((v.get(6) as MessageValue).get(1) as MessageValue[]) ?? [];
    return list.map((item) => valueToJson(r, item, depth + 2, path));
  }
  return r.fail("google.protobuf.Value has no kind set", path);
}

/**
 * {"@type": url, ...fields of the packed message}, or {"@type", "value"} when the packed type has a
 * special JSON form. A type the schema does not define renders its bytes as base64 under "value".
 */
function anyToJson(r: JsonRenderer, v: MessageValue, depth: number, path: string): unknown {
  const url = (v.get(1) as string) ?? "";
  const bytes = (v.get(2) as Uint8Array) ?? new Uint8Array(0);
  if (url === "" && bytes.length === 0) return jsonObject();
  const typeName = url.slice(url.lastIndexOf("/") + 1);
  const message = r.model.messages.get(typeName);
  const out = jsonObject();
  out["@type"] = url;
  if (message === undefined) {
    out["value"] = toBase64(bytes);
    return out;
  }
  const inner = decodeProto(r.model, typeName, bytes, r.limits, true);
  if (!inner.ok) return r.fail(`Any of type ${typeName}: ${inner.error.message}`, joinPath(path, "value"));
  const rendered = r.message(message, inner.value, depth + 1, path);
  if (hasSpecialJson(typeName)) out["value"] = rendered;
  else if (rendered !== undefined) Object.assign(out, rendered);
  return out;
}

function snakeToCamel(path: string): string {
  return path.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

import { fromBase64 } from "../common/base64.js";
import { isJsonObject, jsonObject } from "../common/json.js";
import { joinPath } from "../path.js";
import { encodeProto } from "./encode.js";
import { NOT_SPECIAL, isProblem, scalarFromJson, show, type JsonParser } from "./json-scalar.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";
import { DURATION_MAX_S, TIMESTAMP_MAX_S, TIMESTAMP_MIN_S, WRAPPERS, hasSpecialJson } from "./wkt-to-json.js";

/** Reads the proto3 JSON form of a well-known type, or NOT_SPECIAL for the ordinary mapping. */
export function wellKnownFromJson(
  p: JsonParser,
  name: string,
  json: unknown,
  depth: number,
  path: string,
): MessageValue | undefined | typeof NOT_SPECIAL {
  if (!name.startsWith("google.protobuf.")) return NOT_SPECIAL;
  const wrapped = WRAPPERS.get(name);
  if (wrapped !== undefined) {
    const v = scalarFromJson(wrapped, json);
    return isProblem(v) ? p.fail(v.problem, path) : new Map([[1, v]]);
  }
  switch (name) {
    case "google.protobuf.Timestamp":
      return timestampFromJson(p, json, path);
    case "google.protobuf.Duration":
      return durationFromJson(p, json, path);
    case "google.protobuf.FieldMask":
      if (typeof json !== "string") return p.fail(`FieldMask expects a string, got ${show(json)}`, path);
      return new Map([[1, json === "" ? [] : json.split(",").map(camelToSnake)]]);
    case "google.protobuf.Struct":
      return structFromJson(p, json, depth, path);
    case "google.protobuf.ListValue":
      return listFromJson(p, json, depth, path);
    case "google.protobuf.Value":
      return valueFromJson(p, json, depth, path);
    case "google.protobuf.Any":
      return anyFromJson(p, json, depth, path);
    default:
      return NOT_SPECIAL;
  }
}

const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function timestampFromJson(p: JsonParser, json: unknown, path: string): MessageValue | undefined {
  const m = typeof json === "string" ? TIMESTAMP_RE.exec(json) : null;
  if (m === null) return p.fail(`expected an RFC 3339 timestamp, got ${show(json)}`, path);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return p.fail(`${show(json)} is not a valid date and time`, path);
  }
  const offsetMin = m[8] === undefined ? 0 : (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  const seconds = BigInt(date.getTime() / 1000) - BigInt(offsetMin * 60);
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, "0"));
  if (seconds < TIMESTAMP_MIN_S || seconds > TIMESTAMP_MAX_S)
    return p.fail(`${show(json)} is out of range`, path);
  return withSecondsNanos(seconds, nanos);
}

function durationFromJson(p: JsonParser, json: unknown, path: string): MessageValue | undefined {
  const m = typeof json === "string" ? /^(-)?(\d{1,12})(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (m === null) return p.fail(`expected a duration like "1.5s", got ${show(json)}`, path);
  const sign = m[1] === "-" ? -1 : 1;
  const seconds = BigInt(m[2]!);
  if (seconds > DURATION_MAX_S) return p.fail(`${show(json)} is out of range`, path);
  const nanos = m[3] === undefined ? 0 : Number(m[3].padEnd(9, "0"));
  return withSecondsNanos(sign < 0 ? -seconds : seconds, sign * nanos);
}

function withSecondsNanos(seconds: bigint, nanos: number): MessageValue {
  const out: MessageValue = new Map();
  if (seconds !== 0n) out.set(1, seconds);
  if (nanos !== 0) out.set(2, nanos);
  return out;
}

function structFromJson(p: JsonParser, json: unknown, depth: number, path: string): MessageValue | undefined {
  if (!isJsonObject(json)) return p.fail(`Struct expects an object, got ${show(json)}`, path);
  const fields = new Map<MapKey, SingleValue>();
  for (const key of Object.keys(json)) {
    const v = valueFromJson(p, json[key], depth + 1, joinPath(path, key));
    if (v === undefined) return undefined;
    fields.set(key, v);
  }
  return new Map([[1, fields]]);
}

function listFromJson(p: JsonParser, json: unknown, depth: number, path: string): MessageValue | undefined {
  if (!Array.isArray(json)) return p.fail(`ListValue expects an array, got ${show(json)}`, path);
  const values: MessageValue[] = [];
  for (const item of json as unknown[]) {
    const v = valueFromJson(p, item, depth + 1, path);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return new Map([[1, values]]);
}

/** Any JSON value as a google.protobuf.Value. */
function valueFromJson(p: JsonParser, json: unknown, depth: number, path: string): MessageValue | undefined {
  if (depth > p.limits.maxDecodeDepth) {
    if (p.error === null) {
      p.error = {
        code: "RESOURCE_EXHAUSTED",
        field: path || "json",
        message: `JSON nests deeper than maxDecodeDepth (${p.limits.maxDecodeDepth})`,
      };
    }
    return undefined;
  }
  if (!p.count(path)) return undefined;
  if (json === null) return new Map([[1, 0]]);
  if (typeof json === "number") return new Map([[2, json]]);
  if (typeof json === "string") return new Map([[3, json]]);
  if (typeof json === "boolean") return new Map([[4, json]]);
  const nested = Array.isArray(json)
    ? listFromJson(p, json, depth + 1, path)
    : structFromJson(p, json, depth + 1, path);
  if (nested === undefined) return undefined;
  return new Map([[Array.isArray(json) ? 6 : 5, nested]]);
}

/** {"@type": url, ...fields} or {"@type": url, "value": ...}; see wkt-to-json.ts. */
function anyFromJson(p: JsonParser, json: unknown, depth: number, path: string): MessageValue | undefined {
  if (!isJsonObject(json)) return p.fail(`Any expects an object, got ${show(json)}`, path);
  const url = json["@type"];
  if (url === undefined && Object.keys(json).length === 0) return new Map();
  if (typeof url !== "string" || url === "") return p.fail(`Any needs a string "@type"`, path);
  const typeName = url.slice(url.lastIndexOf("/") + 1);
  const message = p.model.messages.get(typeName);
  let bytes: Uint8Array | undefined;
  if (message === undefined || hasSpecialJson(typeName)) {
    const extra = Object.keys(json).find((k) => k !== "@type" && k !== "value");
    if (extra !== undefined)
      return p.fail(`Any of type ${typeName} has unexpected key ${extra}`, joinPath(path, extra));
    if (message === undefined) {
      bytes = typeof json["value"] === "string" ? fromBase64(json["value"]) : undefined;
      if (bytes === undefined) return p.fail(`Any of unknown type ${typeName} needs base64 "value"`, path);
    } else {
      const inner = p.message(message, json["value"], depth + 1, joinPath(path, "value"));
      if (inner === undefined) return undefined;
      bytes = encodeProto(p.model, message, inner);
    }
  } else {
    const rest = jsonObject();
    for (const key of Object.keys(json)) if (key !== "@type") rest[key] = json[key];
    const inner = p.message(message, rest, depth + 1, path);
    if (inner === undefined) return undefined;
    bytes = encodeProto(p.model, message, inner);
  }
  return new Map<number, SingleValue>([
    [1, url],
    [2, bytes],
  ]);
}

function camelToSnake(path: string): string {
  return path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

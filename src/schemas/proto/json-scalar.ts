import { fromBase64, toBase64 } from "../common/base64.js";
import { doubleToJson, floatToJson, jsonToBigInt, jsonToDouble, jsonToInt } from "../common/numbers.js";
import { show } from "../common/json.js";
import type { SchemaLimits } from "../limits.js";
import type { Problem } from "../../errors/index.js";
import type { ProtoMessage, ProtoModel, ProtoScalar, ProtoValueType } from "./model.js";
import type { MessageValue, SingleValue } from "./values.js";

export { show };

/** Returned by the well-known-type hooks for types with the ordinary object mapping. */
export const NOT_SPECIAL: unique symbol = Symbol("not-special");

/** What the well-known-type renderers need from the message renderer. */
export interface JsonRenderer {
  readonly model: ProtoModel;
  readonly limits: SchemaLimits;
  fail(message: string, field: string): undefined;
  message(message: ProtoMessage, value: MessageValue, depth: number, path: string): unknown;
}

/** What the well-known-type parsers need from the message parser. */
export interface JsonParser {
  readonly model: ProtoModel;
  readonly limits: SchemaLimits;
  error: Problem | null;
  fail(message: string, field: string): undefined;
  /** Counts one more value against maxDecodedValues; false (after failing) when over. */
  count(path: string): boolean;
  message(message: ProtoMessage, json: unknown, depth: number, path: string): MessageValue | undefined;
  single(type: ProtoValueType, json: unknown, depth: number, path: string): SingleValue | undefined;
}

export function scalarToJson(s: ProtoScalar, v: SingleValue): unknown {
  switch (s) {
    case "int64":
    case "uint64":
    case "sint64":
    case "fixed64":
    case "sfixed64":
      return (v as bigint).toString();
    case "float":
      return floatToJson(v as number);
    case "double":
      return doubleToJson(v as number);
    case "bytes":
      return toBase64(v as Uint8Array);
    default:
      return v;
  }
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const FLOAT_MAX = 3.4028234663852886e38;

/** Reads a scalar from proto3 JSON; a string says what is wrong. */
export function scalarFromJson(s: ProtoScalar, json: unknown): SingleValue | { problem: string } {
  switch (s) {
    case "int32":
    case "sint32":
    case "sfixed32":
      return (
        jsonToInt(json, INT32_MIN, INT32_MAX) ?? { problem: `expected a 32-bit integer, got ${show(json)}` }
      );
    case "uint32":
    case "fixed32":
      return (
        jsonToInt(json, 0, UINT32_MAX) ?? {
          problem: `expected an unsigned 32-bit integer, got ${show(json)}`,
        }
      );
    case "int64":
    case "sint64":
    case "sfixed64":
    case "uint64":
    case "fixed64": {
      const n = jsonToBigInt(json);
      if (n === "unsafe") return { problem: `${show(json)} is beyond 2^53; send 64-bit integers as strings` };
      const unsigned = s === "uint64" || s === "fixed64";
      if (n === undefined || n < (unsigned ? 0n : INT64_MIN) || n > (unsigned ? UINT64_MAX : INT64_MAX)) {
        return { problem: `expected ${unsigned ? "an unsigned " : "a "}64-bit integer, got ${show(json)}` };
      }
      return n;
    }
    case "float":
    case "double": {
      const n = jsonToDouble(json);
      if (n === undefined) return { problem: `expected a number, got ${show(json)}` };
      if (s === "float" && Number.isFinite(n) && Math.abs(n) > FLOAT_MAX) {
        return { problem: `${show(json)} is out of range for float` };
      }
      return s === "float" ? Math.fround(n) : n;
    }
    case "bool":
      return typeof json === "boolean" ? json : { problem: `expected true or false, got ${show(json)}` };
    case "string":
      return typeof json === "string" ? json : { problem: `expected a string, got ${show(json)}` };
    case "bytes": {
      const bytes = typeof json === "string" ? fromBase64(json) : undefined;
      return bytes ?? { problem: `expected base64, got ${show(json)}` };
    }
  }
}

export function isProblem(v: SingleValue | { problem: string }): v is { problem: string } {
  return typeof v === "object" && "problem" in v;
}

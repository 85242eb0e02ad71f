import { toBase64 } from "../common/base64.js";
import { jsonObject } from "../common/json.js";
import { doubleToJson } from "../common/numbers.js";
import type { ThriftModel, ThriftStruct, ThriftType } from "./model.js";
import type { MapEntry, StructValue, ThriftValue } from "./values.js";

/**
 * The Hearsay JSON mapping of a Thrift struct (see README.md): field names as declared, i64 as a
 * decimal string, binary as base64, uuid as its 8-4-4-4-12 hex form, enums by name (unknown
 * numbers as numbers), lists and sets as arrays, maps with string keys as objects and any other map
 * as an array of [key, value] pairs. Depth was bounded by the decoder that built the value.
 */
export function structToJson(model: ThriftModel, st: ThriftStruct, value: StructValue): unknown {
  const out = jsonObject();
  for (const field of st.fields) {
    const v = value.get(field.id);
    if (v !== undefined) out[field.name] = valueToJson(model, field.type, v);
  }
  return out;
}

function valueToJson(model: ThriftModel, t: ThriftType, v: ThriftValue): unknown {
  switch (t.kind) {
    case "struct":
      return structToJson(model, model.structs.get(t.name)!, v as StructValue);
    case "enum":
      return model.enums.get(t.name)!.byNumber.get(v as number) ?? v;
    case "list":
    case "set":
      return (v as ThriftValue[]).map((item) => valueToJson(model, t.elem, item));
    case "map": {
      const entries = v as MapEntry[];
      if (isStringKeyed(t)) {
        const obj = jsonObject();
        for (const [key, item] of entries) obj[key as string] = valueToJson(model, t.value, item);
        return obj;
      }
      return entries.map(([key, item]) => [
        valueToJson(model, t.key, key),
        valueToJson(model, t.value, item),
      ]);
    }
    case "base":
      switch (t.base) {
        case "i64":
          return (v as bigint).toString();
        case "double":
          return doubleToJson(v as number);
        case "binary":
          return toBase64(v as Uint8Array);
        case "uuid":
          return uuidToString(v as Uint8Array);
        default:
          return v;
      }
  }
}

/** Maps keyed by `string` render as JSON objects; every other key type as [key, value] pairs. */
export function isStringKeyed(t: Extract<ThriftType, { kind: "map" }>): boolean {
  return t.key.kind === "base" && t.key.base === "string";
}

function uuidToString(b: Uint8Array): string {
  const hex = Buffer.from(b).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

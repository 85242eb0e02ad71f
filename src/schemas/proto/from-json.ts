import { isJsonObject } from "../common/json.js";
import type { SchemaLimits } from "../limits.js";
import type { Problem } from "../../errors/index.js";
import { joinPath } from "../path.js";
import { NOT_SPECIAL, isProblem, scalarFromJson, show, type JsonParser } from "./json-scalar.js";
import type { ProtoField, ProtoMessage, ProtoModel, ProtoScalar, ProtoValueType } from "./model.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";
import { wellKnownFromJson } from "./wkt-from-json.js";

/**
 * Reads proto3 JSON into a message value: JSON or declared field names, null as absent, unknown
 * fields refused, at most one member per oneof, nesting and value counts within the limits.
 */
export class FromJson implements JsonParser {
  error: Problem | null = null;
  private values = 0;

  constructor(
    readonly model: ProtoModel,
    readonly limits: SchemaLimits,
  ) {}

  fail(message: string, field: string): undefined {
    if (this.error === null) this.error = { code: "INVALID_ARGUMENT", field: field || "json", message };
    return undefined;
  }

  count(path: string): boolean {
    if (++this.values <= this.limits.maxDecodedValues) return true;
    if (this.error === null) {
      this.error = {
        code: "RESOURCE_EXHAUSTED",
        field: path || "json",
        message: `JSON has more values than maxDecodedValues (${this.limits.maxDecodedValues})`,
      };
    }
    return false;
  }

  message(message: ProtoMessage, json: unknown, depth: number, path: string): MessageValue | undefined {
    if (depth > this.limits.maxDecodeDepth) {
      if (this.error === null) {
        this.error = {
          code: "RESOURCE_EXHAUSTED",
          field: path || "json",
          message: `JSON nests deeper than maxDecodeDepth (${this.limits.maxDecodeDepth})`,
        };
      }
      return undefined;
    }
    const special = wellKnownFromJson(this, message.name, json, depth, path);
    if (special !== NOT_SPECIAL) return special;
    if (!isJsonObject(json))
      return this.fail(`expected an object for ${message.name}, got ${show(json)}`, path);
    const out: MessageValue = new Map();
    for (const key of Object.keys(json)) {
      const field = message.byJsonKey.get(key);
      const fpath = joinPath(path, key);
      if (field === undefined) return this.fail(`${message.name} has no field ${key}`, fpath);
      const item = json[key];
      if (item === null && !acceptsNull(field.type)) continue;
      if (out.has(field.number)) return this.fail(`field ${field.name} is given twice`, fpath);
      if (field.oneof !== undefined) {
        const rival = message.oneofs.get(field.oneof)?.find((f) => f !== field && out.has(f.number));
        if (rival !== undefined) {
          return this.fail(
            `fields ${rival.name} and ${field.name} are both members of oneof ${field.oneof}`,
            fpath,
          );
        }
      }
      if (!this.count(fpath)) return undefined;
      const v = this.field(field, item, depth, fpath);
      if (v === undefined) return undefined;
      out.set(field.number, v);
    }
    const missing = message.required.find((f) => !out.has(f.number));
    if (missing !== undefined)
      return this.fail(`required field ${missing.name} is missing`, joinPath(path, missing.jsonName));
    return out;
  }

  private field(
    field: ProtoField,
    json: unknown,
    depth: number,
    path: string,
  ): SingleValue | SingleValue[] | Map<MapKey, SingleValue> | undefined {
    if (field.mapKey !== undefined) {
      if (!isJsonObject(json)) return this.fail(`map field expects an object, got ${show(json)}`, path);
      const map = new Map<MapKey, SingleValue>();
      for (const key of Object.keys(json)) {
        if (!this.count(path)) return undefined;
        const k = mapKeyFromJson(field.mapKey, key);
        if (k === undefined) return this.fail(`map key ${show(key)} is not a valid ${field.mapKey}`, path);
        const v = this.single(field.type, json[key], depth, joinPath(path, key));
        if (v === undefined) return undefined;
        map.set(k, v);
      }
      return map;
    }
    if (field.label === "repeated") {
      if (!Array.isArray(json)) return this.fail(`repeated field expects an array, got ${show(json)}`, path);
      const list: SingleValue[] = [];
      for (const item of json as unknown[]) {
        if (!this.count(path)) return undefined;
        const v = this.single(field.type, item, depth, path);
        if (v === undefined) return undefined;
        list.push(v);
      }
      return list;
    }
    return this.single(field.type, json, depth, path);
  }

  single(type: ProtoValueType, json: unknown, depth: number, path: string): SingleValue | undefined {
    if (type.kind === "message")
      return this.message(this.model.messages.get(type.name)!, json, depth + 1, path);
    if (type.kind === "enum") return this.enumValue(type.name, json, path);
    const v = scalarFromJson(type.scalar, json);
    return isProblem(v) ? this.fail(v.problem, path) : v;
  }

  private enumValue(name: string, json: unknown, path: string): number | undefined {
    if (name === "google.protobuf.NullValue" && json === null) return 0;
    const e = this.model.enums.get(name)!;
    if (typeof json === "string") {
      const n = e.byName.get(json);
      return n ?? this.fail(`${show(json)} is not a value of enum ${name}`, path);
    }
    if (typeof json === "number" && Number.isInteger(json) && json >= -0x80000000 && json <= 0x7fffffff) {
      return json; // open enums keep unknown numbers
    }
    return this.fail(`expected a value name of enum ${name}, got ${show(json)}`, path);
  }
}

function acceptsNull(type: ProtoValueType): boolean {
  return (
    type.kind !== "scalar" &&
    (type.name === "google.protobuf.Value" || type.name === "google.protobuf.NullValue")
  );
}

function mapKeyFromJson(s: ProtoScalar, key: string): MapKey | undefined {
  if (s === "string") return key;
  if (s === "bool") return key === "true" ? true : key === "false" ? false : undefined;
  const v = scalarFromJson(s, key);
  return typeof v === "number" || typeof v === "bigint" ? v : undefined;
}

import { fromBase64 } from "../common/base64.js";
import { isJsonObject, show } from "../common/json.js";
import { jsonToBigInt, jsonToDouble, jsonToInt } from "../common/numbers.js";
import type { SchemaLimits } from "../limits.js";
import type { Problem } from "../../errors/index.js";
import { joinPath } from "../path.js";
import type { ThriftBase, ThriftModel, ThriftStruct, ThriftType } from "./model.js";
import { isStringKeyed } from "./to-json.js";
import type { MapEntry, StructValue, ThriftValue } from "./values.js";

const INT_RANGE: Partial<Record<ThriftBase, [number, number]>> = {
  byte: [-128, 127],
  i16: [-32768, 32767],
  i32: [-0x80000000, 0x7fffffff],
};
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Reads the JSON mapping of to-json.ts back into a struct value; the first problem wins. */
export class ThriftFromJson {
  error: Problem | null = null;
  private values = 0;

  constructor(
    private readonly model: ThriftModel,
    private readonly limits: SchemaLimits,
  ) {}

  private fail(message: string, path: string, code: Problem["code"] = "INVALID_ARGUMENT"): undefined {
    if (this.error === null) this.error = { code, field: path || "json", message };
    return undefined;
  }

  private count(path: string): boolean {
    if (++this.values <= this.limits.maxDecodedValues) return true;
    this.fail(
      `JSON has more values than maxDecodedValues (${this.limits.maxDecodedValues})`,
      path,
      "RESOURCE_EXHAUSTED",
    );
    return false;
  }

  private tooDeep(path: string): undefined {
    return this.fail(
      `JSON nests deeper than maxDecodeDepth (${this.limits.maxDecodeDepth})`,
      path,
      "RESOURCE_EXHAUSTED",
    );
  }

  struct(st: ThriftStruct, json: unknown, depth: number, path: string): StructValue | undefined {
    if (depth > this.limits.maxDecodeDepth) return this.tooDeep(path);
    if (!isJsonObject(json))
      return this.fail(`expected an object for ${st.localName}, got ${show(json)}`, path);
    const out: StructValue = new Map();
    for (const key of Object.keys(json)) {
      const field = st.byName.get(key);
      const fpath = joinPath(path, key);
      if (field === undefined) return this.fail(`${st.localName} has no field ${key}`, fpath);
      if (json[key] === null) continue;
      if (!this.count(fpath)) return undefined;
      const v = this.value(field.type, json[key], depth, fpath);
      if (v === undefined) return undefined;
      out.set(field.id, v);
    }
    const missing = st.required.find((f) => !out.has(f.id));
    if (missing !== undefined)
      return this.fail(`required field ${missing.name} is missing`, joinPath(path, missing.name));
    if (st.kind === "union" && out.size !== 1) {
      return this.fail(`union ${st.localName} needs exactly one field, got ${out.size}`, path);
    }
    return out;
  }

  private value(t: ThriftType, json: unknown, depth: number, path: string): ThriftValue | undefined {
    switch (t.kind) {
      case "struct":
        return this.struct(this.model.structs.get(t.name)!, json, depth + 1, path);
      case "enum":
        return this.enumValue(t.name, json, path);
      case "list":
      case "set":
        return this.list(t.elem, json, depth, path);
      case "map":
        return this.map(t, json, depth, path);
      case "base":
        return this.base(t.base, json, path);
    }
  }

  private list(elem: ThriftType, json: unknown, depth: number, path: string): ThriftValue[] | undefined {
    if (depth + 1 > this.limits.maxDecodeDepth) return this.tooDeep(path);
    if (!Array.isArray(json)) return this.fail(`expected an array, got ${show(json)}`, path);
    const out: ThriftValue[] = [];
    for (const item of json as unknown[]) {
      if (!this.count(path)) return undefined;
      const v = this.value(elem, item, depth + 1, path);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return out;
  }

  private map(
    t: Extract<ThriftType, { kind: "map" }>,
    json: unknown,
    depth: number,
    path: string,
  ): MapEntry[] | undefined {
    if (depth + 1 > this.limits.maxDecodeDepth) return this.tooDeep(path);
    const out: MapEntry[] = [];
    if (isStringKeyed(t)) {
      if (!isJsonObject(json)) return this.fail(`expected an object, got ${show(json)}`, path);
      for (const key of Object.keys(json)) {
        if (!this.count(path)) return undefined;
        const v = this.value(t.value, json[key], depth + 1, joinPath(path, key));
        if (v === undefined) return undefined;
        out.push([key, v]);
      }
      return out;
    }
    if (!Array.isArray(json))
      return this.fail(`expected an array of [key, value] pairs, got ${show(json)}`, path);
    for (const pair of json as unknown[]) {
      if (!this.count(path)) return undefined;
      if (!Array.isArray(pair) || pair.length !== 2)
        return this.fail(`expected a [key, value] pair, got ${show(pair)}`, path);
      const k = this.value(t.key, pair[0], depth + 1, path);
      const v = k === undefined ? undefined : this.value(t.value, pair[1], depth + 1, path);
      if (k === undefined || v === undefined) return undefined;
      out.push([k, v]);
    }
    return out;
  }

  private enumValue(name: string, json: unknown, path: string): number | undefined {
    const e = this.model.enums.get(name)!;
    if (typeof json === "string")
      return e.byName.get(json) ?? this.fail(`${show(json)} is not a value of enum ${e.localName}`, path);
    return (
      jsonToInt(json, -0x80000000, 0x7fffffff) ??
      this.fail(`expected a value of enum ${e.localName}, got ${show(json)}`, path)
    );
  }

  private base(b: ThriftBase, json: unknown, path: string): ThriftValue | undefined {
    const range = INT_RANGE[b];
    if (range !== undefined)
      return jsonToInt(json, range[0], range[1]) ?? this.fail(`expected ${b}, got ${show(json)}`, path);
    switch (b) {
      case "bool":
        return typeof json === "boolean"
          ? json
          : this.fail(`expected true or false, got ${show(json)}`, path);
      case "i64": {
        const n = jsonToBigInt(json);
        if (n === "unsafe") return this.fail(`${show(json)} is beyond 2^53; send i64 as a string`, path);
        return n !== undefined && n >= I64_MIN && n <= I64_MAX
          ? n
          : this.fail(`expected i64, got ${show(json)}`, path);
      }
      case "double":
        return jsonToDouble(json) ?? this.fail(`expected a number, got ${show(json)}`, path);
      case "string":
        return typeof json === "string" ? json : this.fail(`expected a string, got ${show(json)}`, path);
      case "binary":
        return (
          (typeof json === "string" ? fromBase64(json) : undefined) ??
          this.fail(`expected base64, got ${show(json)}`, path)
        );
      default:
        if (typeof json !== "string" || !UUID_RE.test(json))
          return this.fail(`expected a UUID, got ${show(json)}`, path);
        return new Uint8Array(Buffer.from(json.replace(/-/g, ""), "hex"));
    }
  }
}

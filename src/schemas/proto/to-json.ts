import { jsonObject } from "../common/json.js";
import type { SchemaLimits } from "../limits.js";
import type { Problem } from "../../errors/index.js";
import { joinPath } from "../path.js";
import { isDefault } from "./encode.js";
import { NOT_SPECIAL, scalarToJson, type JsonRenderer } from "./json-scalar.js";
import type { ProtoMessage, ProtoModel, ProtoValueType } from "./model.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";
import { wellKnownToJson } from "./wkt-to-json.js";

/** State of one rendering: the first error wins; depth counts nested messages (Any included). */
export class ToJson implements JsonRenderer {
  error: Problem | null = null;

  constructor(
    readonly model: ProtoModel,
    readonly limits: SchemaLimits,
  ) {}

  fail(message: string, field: string): undefined {
    if (this.error === null) this.error = { code: "INVALID_ARGUMENT", field: field || "payload", message };
    return undefined;
  }

  /** proto3 JSON for a message: JSON names, defaults of implicit-presence fields left out. */
  message(message: ProtoMessage, value: MessageValue, depth: number, path: string): unknown {
    if (depth > this.limits.maxDecodeDepth) {
      if (this.error === null) {
        this.error = {
          code: "RESOURCE_EXHAUSTED",
          field: path || "payload",
          message: `payload nests deeper than maxDecodeDepth (${this.limits.maxDecodeDepth})`,
        };
      }
      return undefined;
    }
    const special = wellKnownToJson(this, message.name, value, depth, path);
    if (special !== NOT_SPECIAL) return special;
    const out = jsonObject();
    for (const field of message.fields) {
      const v = value.get(field.number);
      if (v === undefined) continue;
      const fpath = joinPath(path, field.name);
      if (field.mapKey !== undefined) {
        const obj = jsonObject();
        for (const [key, item] of v as Map<MapKey, SingleValue>) {
          obj[String(key)] = this.single(field.type, item, depth, fpath);
        }
        out[field.jsonName] = obj;
      } else if (field.label === "repeated") {
        const list = v as SingleValue[];
        if (list.length > 0)
          out[field.jsonName] = list.map((item) => this.single(field.type, item, depth, fpath));
      } else if (field.presence || !isDefault(v as SingleValue)) {
        out[field.jsonName] = this.single(field.type, v as SingleValue, depth, fpath);
      }
      if (this.error !== null) return undefined;
    }
    return out;
  }

  single(type: ProtoValueType, v: SingleValue, depth: number, path: string): unknown {
    if (type.kind === "message")
      return this.message(this.model.messages.get(type.name)!, v as MessageValue, depth + 1, path);
    if (type.kind === "enum") {
      if (type.name === "google.protobuf.NullValue") return null;
      return this.model.enums.get(type.name)!.byNumber.get(v as number) ?? v;
    }
    return scalarToJson(type.scalar, v);
  }
}

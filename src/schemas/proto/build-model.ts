import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import {
  defaultJsonName,
  type ProtoEnum,
  type ProtoEnumValue,
  type ProtoField,
  type ProtoMessage,
  type ProtoModel,
  type ProtoScalar,
  type ProtoValueType,
} from "./model.js";

/** A field as a schema front end (source parser or descriptor reader) sees it. */
export interface RawField {
  readonly name: string;
  readonly number: number;
  readonly label: "optional" | "required" | "repeated";
  readonly mapKey?: ProtoScalar;
  readonly type: ProtoValueType;
  /** Explicit json_name, if the schema set one. */
  readonly jsonName?: string;
  readonly presence: boolean;
  readonly oneof?: string;
  readonly packed: boolean;
}

export interface RawMessage {
  readonly name: string;
  readonly fields: readonly RawField[];
}

export interface RawEnum {
  readonly name: string;
  readonly values: readonly ProtoEnumValue[];
}

const MAX_FIELD_NUMBER = 536_870_911; // 2^29 - 1
const MAP_KEY_SCALARS = new Set<ProtoScalar>([
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
]);

type ModelResult = { ok: true; model: ProtoModel } | Failure;

/** Indexes the definitions, checks every reference and field number, and finds the root message. */
export function buildProtoModel(
  root: string,
  rawMessages: readonly RawMessage[],
  rawEnums: readonly RawEnum[],
  limits: SchemaLimits,
): ModelResult {
  if (rawMessages.length + rawEnums.length > limits.maxTypes) {
    return fail(
      "RESOURCE_EXHAUSTED",
      `schema defines ${rawMessages.length + rawEnums.length} types, over maxTypes (${limits.maxTypes})`,
    );
  }
  const enums = new Map<string, ProtoEnum>();
  for (const raw of rawEnums) {
    if (enums.has(raw.name)) return fail("INVALID_ARGUMENT", `type ${raw.name} is defined twice`);
    enums.set(raw.name, buildEnum(raw));
  }
  const messages = new Map<string, ProtoMessage>();
  for (const raw of rawMessages) {
    if (messages.has(raw.name) || enums.has(raw.name)) {
      return fail("INVALID_ARGUMENT", `type ${raw.name} is defined twice`);
    }
    const built = buildMessage(raw);
    if (!built.ok) return built;
    messages.set(raw.name, built.message);
  }
  for (const message of messages.values()) {
    for (const field of message.fields) {
      const t = field.type;
      if ((t.kind === "message" && !messages.has(t.name)) || (t.kind === "enum" && !enums.has(t.name))) {
        return fail(
          "INVALID_ARGUMENT",
          `field ${message.name}.${field.name} refers to ${t.name}, which the schema does not define`,
          `${message.name}.${field.name}`,
        );
      }
    }
  }
  if (!messages.has(root)) {
    const what = enums.has(root) ? "is an enum, not a message" : "is not defined in the schema";
    return fail("NOT_FOUND", `type ${root} ${what}`, "name");
  }
  return { ok: true, model: { kind: "proto", root, messages, enums } };
}

function buildEnum(raw: RawEnum): ProtoEnum {
  const byNumber = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const v of raw.values) {
    if (!byNumber.has(v.number)) byNumber.set(v.number, v.name);
    byName.set(v.name, v.number);
  }
  return { name: raw.name, values: raw.values, byNumber, byName };
}

function buildMessage(raw: RawMessage): { ok: true; message: ProtoMessage } | Failure {
  const fields: ProtoField[] = [];
  const byNumber = new Map<number, ProtoField>();
  const byJsonKey = new Map<string, ProtoField>();
  const oneofs = new Map<string, ProtoField[]>();
  for (const f of raw.fields) {
    const path = `${raw.name}.${f.name}`;
    if (!Number.isInteger(f.number) || f.number < 1 || f.number > MAX_FIELD_NUMBER) {
      return fail("INVALID_ARGUMENT", `field ${path} has invalid number ${f.number}`, path);
    }
    if (byNumber.has(f.number)) {
      return fail("INVALID_ARGUMENT", `field ${path} reuses number ${f.number}`, path);
    }
    if (f.mapKey !== undefined && !MAP_KEY_SCALARS.has(f.mapKey)) {
      return fail("INVALID_ARGUMENT", `map field ${path} has invalid key type ${f.mapKey}`, path);
    }
    const field: ProtoField = {
      name: f.name,
      jsonName: f.jsonName !== undefined && f.jsonName !== "" ? f.jsonName : defaultJsonName(f.name),
      number: f.number,
      label: f.label,
      ...(f.mapKey !== undefined ? { mapKey: f.mapKey } : {}),
      type: f.type,
      presence: f.presence,
      ...(f.oneof !== undefined ? { oneof: f.oneof } : {}),
      packed: f.packed,
    };
    fields.push(field);
    byNumber.set(field.number, field);
    for (const key of [field.jsonName, field.name]) {
      const other = byJsonKey.get(key);
      if (other !== undefined && other !== field) {
        return fail(
          "INVALID_ARGUMENT",
          `fields ${other.name} and ${field.name} share JSON name ${key}`,
          path,
        );
      }
      byJsonKey.set(key, field);
    }
    if (field.oneof !== undefined) {
      const members = oneofs.get(field.oneof) ?? [];
      members.push(field);
      oneofs.set(field.oneof, members);
    }
  }
  fields.sort((a, b) => a.number - b.number);
  const required = fields.filter((f) => f.label === "required");
  return { ok: true, message: { name: raw.name, fields, byNumber, byJsonKey, required, oneofs } };
}

import { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import { BUILTIN_FILES } from "./builtin-files.js";
import { buildProtoModel, type RawEnum, type RawField, type RawMessage } from "./build-model.js";
import { decodeProto } from "./decode.js";
import { DESCRIPTOR_PROTO } from "./descriptor-schema.js";
import { parseProtoSources, protoModelFromSource, type RawDefinitions } from "./from-source.js";
import { isPackable, type ProtoModel, type ProtoScalar, type ProtoValueType } from "./model.js";
import type { MessageValue, SingleValue } from "./values.js";

type ModelResult = { ok: true; model: ProtoModel } | Failure;

/** FieldDescriptorProto.Type numbers of the scalar kinds. */
const SCALAR_BY_TYPE: ReadonlyMap<number, ProtoScalar> = new Map<number, ProtoScalar>([
  [1, "double"],
  [2, "float"],
  [3, "int64"],
  [4, "uint64"],
  [5, "int32"],
  [6, "fixed64"],
  [7, "fixed32"],
  [8, "bool"],
  [9, "string"],
  [12, "bytes"],
  [13, "uint32"],
  [15, "sfixed32"],
  [16, "sfixed64"],
  [17, "sint32"],
  [18, "sint64"],
]);
const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

/**
 * Reads a serialized FileDescriptorSet (protoc --include_imports --descriptor_set_out) with the
 * schema engine's own strict decoder, so a hostile set meets the same limits as a payload.
 * Well-known types the set references but leaves out are taken from the built-in definitions.
 */
export function protoModelFromDescriptorSet(
  name: string,
  bytes: Uint8Array | undefined,
  limits: SchemaLimits,
): ModelResult {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    return fail("INVALID_ARGUMENT", "no descriptor set sent", "descriptorSet");
  }
  if (bytes.length > limits.maxDescriptorSetBytes) {
    return fail(
      "RESOURCE_EXHAUSTED",
      `descriptor set is ${bytes.length} bytes, over maxDescriptorSetBytes (${limits.maxDescriptorSetBytes})`,
      "descriptorSet",
    );
  }
  const schema = descriptorModel();
  const decoded = decodeProto(schema, "google.protobuf.FileDescriptorSet", bytes, limits, true);
  if (!decoded.ok) {
    const e = decoded.error;
    const where = e.field !== undefined ? ` (at ${e.field})` : "";
    return fail(e.code, `descriptor set does not decode: ${e.message}${where}`, "descriptorSet");
  }
  const reader = new DescriptorReader();
  for (const file of list(decoded.value, 1)) {
    const problem = reader.file(file);
    if (problem !== undefined) return problem;
  }
  const raw = reader.finish();
  if (!raw.ok) return raw;
  const missingWellKnown = reader.references.some(
    (ref) => ref.startsWith("google.protobuf.") && !reader.defined.has(ref),
  );
  const messages = [...raw.messages];
  const enums = [...raw.enums];
  if (missingWellKnown) {
    const builtin = wellKnownDefinitions();
    messages.push(...builtin.messages.filter((m) => !reader.defined.has(m.name)));
    enums.push(...builtin.enums.filter((e) => !reader.defined.has(e.name)));
  }
  return buildProtoModel(name.replace(/^\./, ""), messages, enums, limits);
}

let cachedDescriptorModel: ProtoModel | undefined;

/** The model of descriptor.proto (the subset in descriptor-schema.ts), compiled once. */
function descriptorModel(): ProtoModel {
  if (cachedDescriptorModel === undefined) {
    const files = [{ path: "google/protobuf/descriptor.proto", content: DESCRIPTOR_PROTO }];
    const built = protoModelFromSource("google.protobuf.FileDescriptorSet", files, DEFAULT_SCHEMA_LIMITS);
    if (!built.ok) throw new Error(`built-in descriptor.proto does not compile: ${built.error.message}`);
    cachedDescriptorModel = built.model;
  }
  return cachedDescriptorModel;
}

let cachedWellKnown: RawDefinitions | undefined;

function wellKnownDefinitions(): RawDefinitions {
  if (cachedWellKnown === undefined) {
    const files = [...BUILTIN_FILES]
      .filter(([path]) => path !== "google/protobuf/descriptor.proto")
      .map(([path, content]) => ({ path, content }));
    const parsed = parseProtoSources(files, DEFAULT_SCHEMA_LIMITS);
    if (!parsed.ok) throw new Error(`built-in well-known types do not compile: ${parsed.error.message}`);
    cachedWellKnown = parsed;
  }
  return cachedWellKnown;
}

interface PendingField {
  readonly owner: string;
  readonly proto3: boolean;
  readonly oneofNames: readonly string[];
  readonly value: MessageValue;
}

/** Collects the messages and enums of every file, then resolves fields (map entries need all types). */
class DescriptorReader {
  readonly defined = new Set<string>();
  readonly references: string[] = [];
  private readonly messages = new Map<string, PendingField[]>();
  private readonly enums: RawEnum[] = [];
  private readonly mapEntries = new Map<string, MessageValue>();

  file(file: MessageValue): Failure | undefined {
    const syntax = str(file, 12);
    if (syntax !== "" && syntax !== "proto2" && syntax !== "proto3") {
      return fail("INVALID_ARGUMENT", `file ${str(file, 1)} uses syntax "${syntax}", which is not supported`);
    }
    const pkg = str(file, 2);
    const proto3 = syntax === "proto3";
    for (const e of list(file, 5)) this.enumType(pkg, e);
    for (const m of list(file, 4)) {
      const problem = this.message(pkg, m, proto3);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  private enumType(scope: string, e: MessageValue): void {
    const name = qualify(scope, str(e, 1));
    this.defined.add(name);
    this.enums.push({ name, values: list(e, 2).map((v) => ({ name: str(v, 1), number: int(v, 2) })) });
  }

  private message(scope: string, m: MessageValue, proto3: boolean): Failure | undefined {
    const name = qualify(scope, str(m, 1));
    if (this.defined.has(name)) return fail("INVALID_ARGUMENT", `type ${name} is defined twice`);
    this.defined.add(name);
    const options = m.get(7) as MessageValue | undefined;
    if (options?.get(7) === true) this.mapEntries.set(name, m);
    const oneofNames = list(m, 8).map((o) => str(o, 1));
    this.messages.set(
      name,
      list(m, 2).map((value) => ({ owner: name, proto3, oneofNames, value })),
    );
    for (const e of list(m, 4)) this.enumType(name, e);
    for (const nested of list(m, 3)) {
      const problem = this.message(name, nested, proto3);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  finish(): ({ ok: true } & RawDefinitions) | Failure {
    const messages: RawMessage[] = [];
    for (const [name, pending] of this.messages) {
      if (this.mapEntries.has(name)) continue; // folded into the map fields that use it
      const fields: RawField[] = [];
      for (const p of pending) {
        const field = this.field(p);
        if ("ok" in field) return field;
        fields.push(field);
      }
      messages.push({ name, fields });
    }
    return { ok: true, messages, enums: this.enums };
  }

  private field(p: PendingField): RawField | Failure {
    const f = p.value;
    const name = str(f, 1);
    const path = `${p.owner}.${name}`;
    const type = this.valueType(f, path);
    if ("ok" in type) return type;
    const label = int(f, 4);
    const jsonName = f.get(10) as string | undefined;
    const proto3Optional = f.get(17) === true;
    const oneofIndex = f.get(9) as number | undefined;
    const options = f.get(8) as MessageValue | undefined;
    if (type.kind === "message" && label === LABEL_REPEATED) {
      const entry = this.mapEntries.get(type.name);
      if (entry !== undefined) return this.mapField(name, int(f, 3), entry, jsonName, path);
    }
    const repeated = label === LABEL_REPEATED;
    const oneof = oneofIndex !== undefined && !proto3Optional ? p.oneofNames[oneofIndex] : undefined;
    const packedOption = options?.get(2) as boolean | undefined;
    return {
      name,
      number: int(f, 3),
      label: repeated ? "repeated" : label === LABEL_REQUIRED ? "required" : "optional",
      type,
      ...(jsonName !== undefined ? { jsonName } : {}),
      presence:
        !repeated && (type.kind === "message" || !p.proto3 || proto3Optional || oneofIndex !== undefined),
      ...(oneof !== undefined ? { oneof } : {}),
      packed: repeated && isPackable(type) && (packedOption ?? p.proto3),
    };
  }

  private mapField(
    name: string,
    number: number,
    entry: MessageValue,
    jsonName: string | undefined,
    path: string,
  ): RawField | Failure {
    const entryFields = list(entry, 2);
    const key = entryFields.find((e) => int(e, 3) === 1);
    const value = entryFields.find((e) => int(e, 3) === 2);
    const keyScalar = key === undefined ? undefined : SCALAR_BY_TYPE.get(int(key, 5));
    if (value === undefined || keyScalar === undefined) {
      return fail("INVALID_ARGUMENT", `map field ${path} has a malformed entry type`, path);
    }
    const valueType = this.valueType(value, path);
    if ("ok" in valueType) return valueType;
    return {
      name,
      number,
      label: "repeated",
      mapKey: keyScalar,
      type: valueType,
      ...(jsonName !== undefined ? { jsonName } : {}),
      presence: false,
      packed: false,
    };
  }

  private valueType(f: MessageValue, path: string): ProtoValueType | Failure {
    const type = int(f, 5);
    const scalar = SCALAR_BY_TYPE.get(type);
    if (scalar !== undefined) return { kind: "scalar", scalar };
    if (type === TYPE_GROUP)
      return fail("INVALID_ARGUMENT", `field ${path} is a group; groups are not supported`, path);
    if (type !== TYPE_MESSAGE && type !== TYPE_ENUM) {
      return fail("INVALID_ARGUMENT", `field ${path} has unknown type number ${type}`, path);
    }
    const name = str(f, 6).replace(/^\./, "");
    this.references.push(name);
    return type === TYPE_MESSAGE ? { kind: "message", name } : { kind: "enum", name };
  }
}

function qualify(scope: string, name: string): string {
  return scope === "" ? name : `${scope}.${name}`;
}

function str(m: MessageValue, n: number): string {
  return (m.get(n) as string | undefined) ?? "";
}

function int(m: MessageValue, n: number): number {
  return (m.get(n) as number | undefined) ?? 0;
}

function list(m: MessageValue, n: number): MessageValue[] {
  return ((m.get(n) as SingleValue[] | undefined) ?? []) as MessageValue[];
}

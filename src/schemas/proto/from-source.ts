import protobuf from "protobufjs";
import { checkSources, normalizePath, type SourceFile } from "../common/sources.js";
import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import { BUILTIN_FILES } from "./builtin-files.js";
import { buildProtoModel, type RawEnum, type RawField, type RawMessage } from "./build-model.js";
import { PROTO_SCALARS, type ProtoModel, type ProtoScalar, type ProtoValueType } from "./model.js";

type ModelResult = { ok: true; model: ProtoModel } | Failure;

/** Definitions read from source, before indexing. */
export interface RawDefinitions {
  readonly messages: readonly RawMessage[];
  readonly enums: readonly RawEnum[];
}

/**
 * Compiles .proto source files (the defining file and its imports) with protobufjs's parser.
 * All files share one namespace; google/protobuf well-known imports are built in.
 */
export function protoModelFromSource(
  name: string,
  files: readonly SourceFile[] | undefined,
  limits: SchemaLimits,
): ModelResult {
  const raw = parseProtoSources(files, limits);
  if (!raw.ok) return raw;
  return buildProtoModel(name.replace(/^\./, ""), raw.messages, raw.enums, limits);
}

/** Parses and resolves the files; returns every message and enum they define. */
export function parseProtoSources(
  files: readonly SourceFile[] | undefined,
  limits: SchemaLimits,
): ({ ok: true } & RawDefinitions) | Failure {
  const checked = checkSources(files, limits);
  if (!checked.ok) return checked;
  const root = new protobuf.Root();
  const pending = [...checked.files.entries()];
  const parsed = new Set<string>();
  for (let i = 0; i < pending.length; i++) {
    const [path, content] = pending[i]!;
    if (parsed.has(path)) continue;
    parsed.add(path);
    let imports: string[];
    try {
      const result = protobuf.parse(content, root, { keepCase: true });
      imports = [...(result.imports ?? []), ...(result.weakImports ?? [])];
    } catch (err) {
      return fail("INVALID_ARGUMENT", `${path}: ${errorText(err)}`, "files");
    }
    for (const raw of imports) {
      const target = normalizePath(raw);
      if (checked.files.has(target) || parsed.has(target)) continue;
      const builtin = BUILTIN_FILES.get(target);
      if (builtin === undefined) {
        return fail("INVALID_ARGUMENT", `${path} imports "${raw}", which was not sent`, "files");
      }
      pending.push([target, builtin]);
    }
  }
  try {
    root.resolveAll();
  } catch (err) {
    return fail("INVALID_ARGUMENT", errorText(err), "files");
  }
  const messages: RawMessage[] = [];
  const enums: RawEnum[] = [];
  const stack: protobuf.ReflectionObject[] = [root];
  while (stack.length > 0) {
    const obj = stack.pop()!;
    if (obj instanceof protobuf.Type) {
      const msg = rawMessage(obj);
      if (!msg.ok) return msg;
      messages.push(msg.message);
    } else if (obj instanceof protobuf.Enum) {
      enums.push({
        name: fullName(obj),
        values: Object.entries(obj.values).map(([n, v]) => ({ name: n, number: v })),
      });
    }
    if (obj instanceof protobuf.Namespace) stack.push(...obj.nestedArray);
    if (messages.length + enums.length > limits.maxTypes) break; // buildProtoModel reports it
  }
  return { ok: true, messages, enums };
}

function rawMessage(type: protobuf.Type): { ok: true; message: RawMessage } | Failure {
  const fields: RawField[] = [];
  const name = fullName(type);
  for (const f of type.fieldsArray) {
    if (f.declaringField !== null) continue; // an extension; extensions are not part of the model
    const path = `${name}.${f.name}`;
    const resolved = f.resolvedType;
    if (
      resolved instanceof protobuf.Type &&
      ((resolved as { group?: boolean }).group === true || f.delimited)
    ) {
      return fail("INVALID_ARGUMENT", `field ${path} is a group; groups are not supported`, path);
    }
    const valueType = valueTypeOf(f.type, resolved);
    if (valueType === undefined) {
      return fail("INVALID_ARGUMENT", `field ${path} has unknown type ${f.type}`, path);
    }
    const oneof = f.partOf !== null && f.options?.["proto3_optional"] !== true ? f.partOf.name : undefined;
    const isMap = f instanceof protobuf.MapField;
    const jsonName = f.options?.["json_name"];
    const mapKey = isMap ? (f as protobuf.MapField).keyType : undefined;
    if (mapKey !== undefined && !PROTO_SCALARS.has(mapKey)) {
      return fail("INVALID_ARGUMENT", `map field ${path} has invalid key type ${mapKey}`, path);
    }
    fields.push({
      name: f.name,
      number: f.id,
      label: f.repeated || isMap ? "repeated" : f.required ? "required" : "optional",
      ...(mapKey !== undefined ? { mapKey: mapKey as ProtoScalar } : {}),
      type: valueType,
      ...(typeof jsonName === "string" ? { jsonName } : {}),
      presence: !f.repeated && !isMap && (valueType.kind === "message" || f.hasPresence),
      ...(oneof !== undefined ? { oneof } : {}),
      packed: f.repeated && f.packed,
    });
  }
  return { ok: true, message: { name, fields } };
}

function valueTypeOf(
  typeName: string,
  resolved: protobuf.Type | protobuf.Enum | null,
): ProtoValueType | undefined {
  if (resolved instanceof protobuf.Type) return { kind: "message", name: fullName(resolved) };
  if (resolved instanceof protobuf.Enum) return { kind: "enum", name: fullName(resolved) };
  if (PROTO_SCALARS.has(typeName)) return { kind: "scalar", scalar: typeName as ProtoScalar };
  return undefined;
}

function fullName(obj: protobuf.ReflectionObject): string {
  return obj.fullName.replace(/^\./, "");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

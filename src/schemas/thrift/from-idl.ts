import {
  SyntaxType,
  type EnumDefinition,
  type FieldDefinition,
  type FunctionType,
  type TypedefDefinition,
} from "@creditkarma/thrift-parser";
import { checkSources, normalizePath, type SourceFile } from "../common/sources.js";
import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import type { ThriftBase, ThriftEnum, ThriftField, ThriftModel, ThriftStruct, ThriftType } from "./model.js";
import { parseIdl } from "./parse-idl.js";
import type { IdlFile } from "./idl-file.js";
import { findRoot } from "./root-name.js";

type ModelResult = { ok: true; model: ThriftModel } | Failure;

const BASE_KEYWORDS: ReadonlyMap<string, ThriftBase> = new Map<string, ThriftBase>([
  [SyntaxType.BoolKeyword, "bool"],
  [SyntaxType.ByteKeyword, "byte"],
  [SyntaxType.I8Keyword, "byte"],
  [SyntaxType.I16Keyword, "i16"],
  [SyntaxType.I32Keyword, "i32"],
  [SyntaxType.I64Keyword, "i64"],
  [SyntaxType.DoubleKeyword, "double"],
  [SyntaxType.StringKeyword, "string"],
  [SyntaxType.BinaryKeyword, "binary"],
]);

const MAX_FIELD_ID = 32767;
/** Most nodes a field type may expand to; typedefs of typedefs could otherwise grow exponentially. */
const MAX_TYPE_NODES = 1000;

/**
 * Compiles Thrift IDL files (the defining file first, then its includes). Types are qualified by
 * file scope ("shared.Point"); typedefs are resolved; services and constants are ignored.
 */
export function thriftModelFromIdl(
  name: string,
  files: readonly SourceFile[] | undefined,
  limits: SchemaLimits,
): ModelResult {
  const checked = checkSources(files, limits);
  if (!checked.ok) return checked;
  const parsed: IdlFile[] = [];
  const scopes = new Map<string, string>();
  for (const [path, content] of checked.files) {
    const result = parseIdl(content);
    if (!result.ok) {
      const line = result.line !== undefined ? ` (line ${result.line})` : "";
      return fail("INVALID_ARGUMENT", `${path}${line}: ${result.message}`, "files");
    }
    const scope = scopeOf(path);
    const clash = scopes.get(scope);
    if (clash !== undefined)
      return fail("INVALID_ARGUMENT", `${clash} and ${path} share the include scope ${scope}`, "files");
    scopes.set(scope, path);
    const includes = new Map<string, string>();
    const namespaces: string[] = [];
    for (const s of result.document.body) {
      if (s.type === SyntaxType.NamespaceDefinition) namespaces.push(s.name.value);
      if (s.type !== SyntaxType.IncludeDefinition) continue;
      const target = resolveInclude(path, s.path.value, checked.files);
      if (target === undefined) {
        return fail("INVALID_ARGUMENT", `${path} includes "${s.path.value}", which was not sent`, "files");
      }
      includes.set(scopeOf(target), target);
    }
    parsed.push({ path, scope, document: result.document, includes, namespaces });
  }
  return new Resolver(parsed, limits).run(name);
}

function scopeOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.endsWith(".thrift") ? base.slice(0, -".thrift".length) : base;
}

/** An include is found relative to the including file, else as given, else by unique file name. */
function resolveInclude(from: string, raw: string, files: ReadonlyMap<string, string>): string | undefined {
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
  for (const candidate of [normalizePath(dir + raw), normalizePath(raw)])
    if (files.has(candidate)) return candidate;
  const base = normalizePath(raw).split("/").pop()!;
  const matches = [...files.keys()].filter((p) => p === base || p.endsWith(`/${base}`));
  return matches.length === 1 ? matches[0] : undefined;
}

type Definition =
  | {
      kind: "struct";
      file: IdlFile;
      fields: FieldDefinition[];
      structKind: ThriftStruct["kind"];
      localName: string;
    }
  | { kind: "enum"; file: IdlFile; node: EnumDefinition }
  | { kind: "typedef"; file: IdlFile; node: TypedefDefinition };

class Resolver {
  private readonly defs = new Map<string, Definition>();
  /** Resolved typedefs; null while one is being resolved (so a cycle is caught). */
  private readonly typedefs = new Map<string, ThriftType | string | null>();

  constructor(
    private readonly files: readonly IdlFile[],
    private readonly limits: SchemaLimits,
  ) {}

  run(rootName: string): ModelResult {
    for (const file of this.files) {
      for (const s of file.document.body) {
        const local = "name" in s && typeof s.name === "object" ? s.name.value : undefined;
        if (local === undefined) continue;
        const qualified = `${file.scope}.${local}`;
        let def: Definition | undefined;
        if (s.type === SyntaxType.StructDefinition) def = structDef(file, s.fields, "struct", local);
        else if (s.type === SyntaxType.UnionDefinition) def = structDef(file, s.fields, "union", local);
        else if (s.type === SyntaxType.ExceptionDefinition)
          def = structDef(file, s.fields, "exception", local);
        else if (s.type === SyntaxType.EnumDefinition) def = { kind: "enum", file, node: s };
        else if (s.type === SyntaxType.TypedefDefinition) def = { kind: "typedef", file, node: s };
        if (def === undefined) continue;
        if (this.defs.has(qualified))
          return fail("INVALID_ARGUMENT", `${qualified} is defined twice`, "files");
        this.defs.set(qualified, def);
        if (this.defs.size > this.limits.maxTypes) {
          return fail(
            "RESOURCE_EXHAUSTED",
            `schema defines more than maxTypes (${this.limits.maxTypes}) types`,
            "files",
          );
        }
      }
    }
    const enums = new Map<string, ThriftEnum>();
    const structs = new Map<string, ThriftStruct>();
    for (const [qualified, def] of this.defs) {
      if (def.kind === "enum") {
        const e = enumOf(qualified, def.node);
        if (!e.ok) return e;
        enums.set(qualified, e.value);
      } else if (def.kind === "struct") {
        const s = this.struct(qualified, def);
        if (!s.ok) return s;
        structs.set(qualified, s.value);
      }
    }
    const root = findRoot(rootName, this.files, structs, enums);
    if (!root.ok) return root;
    return { ok: true, model: { kind: "thrift", root: root.name, structs, enums } };
  }

  private struct(
    qualified: string,
    def: Extract<Definition, { kind: "struct" }>,
  ): { ok: true; value: ThriftStruct } | Failure {
    const fields: ThriftField[] = [];
    const byId = new Map<number, ThriftField>();
    const byName = new Map<string, ThriftField>();
    for (const f of def.fields) {
      const path = `${qualified}.${f.name.value}`;
      const id = f.fieldID?.value;
      if (id === undefined || !Number.isInteger(id) || id < 1 || id > MAX_FIELD_ID) {
        return fail("INVALID_ARGUMENT", `field ${path} needs an explicit id from 1 to ${MAX_FIELD_ID}`, path);
      }
      if (byId.has(id)) return fail("INVALID_ARGUMENT", `field ${path} reuses id ${id}`, path);
      if (byName.has(f.name.value)) return fail("INVALID_ARGUMENT", `field ${path} is declared twice`, path);
      const type = this.type(f.fieldType, def.file);
      if (typeof type === "string") return fail("INVALID_ARGUMENT", `field ${path}: ${type}`, path);
      if (typeNodes(type, MAX_TYPE_NODES) > MAX_TYPE_NODES) {
        return fail("RESOURCE_EXHAUSTED", `field ${path} has a type of over ${MAX_TYPE_NODES} nodes`, path);
      }
      const requiredness = def.structKind === "union" ? "optional" : (f.requiredness ?? "default");
      const field: ThriftField = { id, name: f.name.value, requiredness, type };
      fields.push(field);
      byId.set(id, field);
      byName.set(field.name, field);
    }
    fields.sort((a, b) => a.id - b.id);
    const required = fields.filter((f) => f.requiredness === "required");
    return {
      ok: true,
      value: {
        name: qualified,
        localName: def.localName,
        kind: def.structKind,
        fields,
        byId,
        byName,
        required,
      },
    };
  }

  /** Resolves a field type; a string says what is wrong. */
  private type(node: FunctionType, file: IdlFile): ThriftType | string {
    const base = BASE_KEYWORDS.get(node.type);
    if (base !== undefined) return { kind: "base", base };
    switch (node.type) {
      case SyntaxType.ListType:
      case SyntaxType.SetType: {
        const elem = this.type(node.valueType, file);
        if (typeof elem === "string") return elem;
        return { kind: node.type === SyntaxType.ListType ? "list" : "set", elem };
      }
      case SyntaxType.MapType: {
        const key = this.type(node.keyType, file);
        if (typeof key === "string") return key;
        const value = this.type(node.valueType, file);
        if (typeof value === "string") return value;
        return { kind: "map", key, value };
      }
      case SyntaxType.Identifier:
        return this.named(node.value, file);
      default:
        return `type ${node.type} cannot be a field type`;
    }
  }

  private named(ref: string, file: IdlFile): ThriftType | string {
    const dot = ref.indexOf(".");
    let qualified = `${file.scope}.${ref}`;
    if (dot > 0) {
      const target = file.includes.get(ref.slice(0, dot));
      qualified = `${target !== undefined ? scopeOf(target) : ref.slice(0, dot)}.${ref.slice(dot + 1)}`;
    }
    const def = this.defs.get(qualified);
    if (def === undefined) {
      if (ref === "uuid") return { kind: "base", base: "uuid" };
      return `type ${ref} is not defined`;
    }
    if (def.kind === "struct") return { kind: "struct", name: qualified };
    if (def.kind === "enum") return { kind: "enum", name: qualified };
    const known = this.typedefs.get(qualified);
    if (known === null) return `typedef ${ref} refers to itself`;
    if (known !== undefined) return known;
    this.typedefs.set(qualified, null);
    const resolved = this.type(def.node.definitionType, def.file);
    this.typedefs.set(qualified, resolved);
    return resolved;
  }
}

/** Counts the nodes of a type, stopping once past `budget`. */
function typeNodes(t: ThriftType, budget: number): number {
  if (t.kind === "list" || t.kind === "set") return 1 + typeNodes(t.elem, budget - 1);
  if (t.kind === "map") {
    const key = typeNodes(t.key, budget - 1);
    return key > budget ? key : 1 + key + typeNodes(t.value, budget - 1 - key);
  }
  return 1;
}

function structDef(
  file: IdlFile,
  fields: FieldDefinition[],
  structKind: ThriftStruct["kind"],
  localName: string,
): Definition {
  return { kind: "struct", file, fields, structKind, localName };
}

function enumOf(qualified: string, node: EnumDefinition): { ok: true; value: ThriftEnum } | Failure {
  const values: { name: string; number: number }[] = [];
  const byNumber = new Map<number, string>();
  const byName = new Map<string, number>();
  let next = 0;
  for (const member of node.members) {
    const literal = member.initializer?.value.value;
    const number = literal === undefined ? next : Number(literal);
    if (!Number.isInteger(number) || number < -0x80000000 || number > 0x7fffffff) {
      return fail("INVALID_ARGUMENT", `enum value ${qualified}.${member.name.value} is not a 32-bit integer`);
    }
    values.push({ name: member.name.value, number });
    if (!byNumber.has(number)) byNumber.set(number, member.name.value);
    byName.set(member.name.value, number);
    next = number + 1;
  }
  return { ok: true, value: { name: qualified, localName: node.name.value, values, byNumber, byName } };
}

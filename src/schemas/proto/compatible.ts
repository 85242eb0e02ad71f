import { fail, OK, type Check } from "../../errors/index.js";
import { joinPath } from "../path.js";
import type { ProtoEnum, ProtoField, ProtoModel } from "./model.js";
import { describeType } from "./wire.js";

/**
 * Whether payloads written with the old schema still decode under the new one and mean the same:
 * fields are matched by number, messages they reference are compared recursively.
 * Refused: a field whose number or type changed (singular/repeated/map counts as type), a removed
 * or newly required field, an optional field that became required, an enum value whose number
 * changed. Allowed: new optional fields, removed optional fields (their number should be reserved),
 * renamed fields (binary only: JSON names change), new enum values, required -> optional.
 */
export function checkProtoCompatible(older: ProtoModel, newer: ProtoModel): Check {
  const queue: [string, string, string][] = [[older.root, newer.root, ""]];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const [oldName, newName, path] = queue.shift()!;
    const key = `${oldName}|${newName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = older.messages.get(oldName)!;
    const n = newer.messages.get(newName)!;
    for (const of of o.fields) {
      const fpath = joinPath(path, of.name);
      const where = `field ${fpath} (${oldName}.${of.name})`;
      const renumbered = n.fields.find((f) => f.name === of.name && f.number !== of.number);
      if (renumbered !== undefined) {
        return refuse(`${where} changed number from ${of.number} to ${renumbered.number}`, fpath);
      }
      const nf = n.byNumber.get(of.number);
      if (nf === undefined) {
        if (of.label === "required") return refuse(`${where} is required and was removed`, fpath);
        continue;
      }
      if (fieldType(of) !== fieldType(nf) && !sameShape(of, nf)) {
        return refuse(
          `${where}, number ${of.number}, changed type from ${fieldType(of)} to ${fieldType(nf)}`,
          fpath,
        );
      }
      if (nf.label === "required" && of.label !== "required") {
        return refuse(`${where} became required; payloads without it would be refused`, fpath);
      }
      if (of.type.kind === "message" && nf.type.kind === "message")
        queue.push([of.type.name, nf.type.name, fpath]);
      if (of.type.kind === "enum" && nf.type.kind === "enum") {
        const problem = checkEnum(older.enums.get(of.type.name)!, newer.enums.get(nf.type.name)!, fpath);
        if (problem !== undefined) return problem;
      }
    }
    for (const nf of n.fields) {
      if (nf.label === "required" && !o.byNumber.has(nf.number)) {
        const fpath = joinPath(path, nf.name);
        return refuse(
          `field ${fpath} (${newName}.${nf.name}) is new and required; old payloads lack it`,
          fpath,
        );
      }
    }
  }
  return OK;
}

/** Same cardinality and value kind; message and enum types are then compared by content. */
function sameShape(a: ProtoField, b: ProtoField): boolean {
  if (cardinality(a) !== cardinality(b) || a.mapKey !== b.mapKey || a.type.kind !== b.type.kind) return false;
  return a.type.kind !== "scalar";
}

function cardinality(f: ProtoField): string {
  return f.mapKey !== undefined ? "map" : f.label === "repeated" ? "repeated" : "singular";
}

function fieldType(f: ProtoField): string {
  if (f.mapKey !== undefined) return `map<${f.mapKey}, ${describeType(f.type)}>`;
  return f.label === "repeated" ? `repeated ${describeType(f.type)}` : describeType(f.type);
}

function checkEnum(o: ProtoEnum, n: ProtoEnum, path: string): ReturnType<typeof refuse> | undefined {
  for (const v of o.values) {
    const now = n.byName.get(v.name);
    if (now !== undefined && now !== v.number) {
      return refuse(
        `enum value ${o.name}.${v.name} of field ${path} changed number from ${v.number} to ${now}`,
        path,
      );
    }
  }
  return undefined;
}

function refuse(message: string, field: string) {
  return fail("FAILED_PRECONDITION", message, field);
}

import { fail, OK, type Check, type Failure } from "../../errors/index.js";
import { joinPath } from "../path.js";
import { describeThriftType, type ThriftEnum, type ThriftModel, type ThriftType } from "./model.js";

/**
 * Whether payloads written with the old IDL still decode under the new one: fields are matched by
 * id, structs they reference are compared recursively (also inside lists, sets and maps).
 * Refused: a field whose id or type changed, a removed or newly required field, a field that
 * became required, struct <-> union, an enum value whose number changed. Allowed: new optional or
 * default fields, removed non-required fields, renamed fields (binary only), new enum values,
 * required -> optional/default.
 */
export function checkThriftCompatible(older: ThriftModel, newer: ThriftModel): Check {
  const queue: [string, string, string][] = [[older.root, newer.root, ""]];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const [oldName, newName, path] = queue.shift()!;
    if (seen.has(`${oldName}|${newName}`)) continue;
    seen.add(`${oldName}|${newName}`);
    const o = older.structs.get(oldName)!;
    const n = newer.structs.get(newName)!;
    if (o.kind !== n.kind)
      return refuse(`${path || o.localName} changed from ${o.kind} to ${n.kind}`, path || "name");
    for (const of of o.fields) {
      const fpath = joinPath(path, of.name);
      const where = `field ${fpath} (${o.localName}.${of.name})`;
      const renumbered = n.fields.find((f) => f.name === of.name && f.id !== of.id);
      if (renumbered !== undefined)
        return refuse(`${where} changed id from ${of.id} to ${renumbered.id}`, fpath);
      const nf = n.byId.get(of.id);
      if (nf === undefined) {
        if (of.requiredness === "required") return refuse(`${where} is required and was removed`, fpath);
        continue;
      }
      const problem = compareTypes(older, newer, of.type, nf.type, fpath, queue);
      if (problem !== undefined) {
        const change = `changed type from ${describeThriftType(of.type)} to ${describeThriftType(nf.type)}`;
        return refuse(`${where}, id ${of.id}, ${problem === "" ? change : problem}`, fpath);
      }
      if (nf.requiredness === "required" && of.requiredness !== "required") {
        return refuse(`${where} became required; payloads without it would be refused`, fpath);
      }
    }
    for (const nf of n.fields) {
      if (nf.requiredness === "required" && !o.byId.has(nf.id)) {
        const fpath = joinPath(path, nf.name);
        return refuse(
          `field ${fpath} (${n.localName}.${nf.name}) is new and required; old payloads lack it`,
          fpath,
        );
      }
    }
  }
  return OK;
}

/** undefined when compatible (queuing struct pairs); "" for a type change; else what changed. */
function compareTypes(
  older: ThriftModel,
  newer: ThriftModel,
  a: ThriftType,
  b: ThriftType,
  path: string,
  queue: [string, string, string][],
): string | undefined {
  if (a.kind === "base" && b.kind === "base") return a.base === b.base ? undefined : "";
  if ((a.kind === "list" && b.kind === "list") || (a.kind === "set" && b.kind === "set")) {
    return compareTypes(older, newer, a.elem, (b as typeof a).elem, path, queue);
  }
  if (a.kind === "map" && b.kind === "map") {
    return (
      compareTypes(older, newer, a.key, b.key, path, queue) ??
      compareTypes(older, newer, a.value, b.value, path, queue)
    );
  }
  if (a.kind === "struct" && b.kind === "struct") {
    queue.push([a.name, b.name, path]);
    return undefined;
  }
  if (a.kind === "enum" && b.kind === "enum")
    return enumProblem(older.enums.get(a.name)!, newer.enums.get(b.name)!);
  return "";
}

function enumProblem(o: ThriftEnum, n: ThriftEnum): string | undefined {
  for (const v of o.values) {
    const now = n.byName.get(v.name);
    if (now !== undefined && now !== v.number) {
      return `has enum value ${o.localName}.${v.name}, which changed number from ${v.number} to ${now}`;
    }
  }
  return undefined;
}

function refuse(message: string, field: string): Failure {
  return fail("FAILED_PRECONDITION", message, field);
}

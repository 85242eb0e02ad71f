import { fail, type Failure } from "../../errors/index.js";
import type { IdlFile } from "./idl-file.js";
import type { ThriftEnum, ThriftStruct } from "./model.js";

/**
 * Finds the struct a registration names. Thrift has no packages, so a name may be written as
 * "<file scope>.<Struct>" ("shared.Point"), "<namespace>.<Struct>" for any `namespace` of the file
 * ("dev.hearsay.Point"), or a bare "<Struct>" of the defining (first) file.
 */
export function findRoot(
  name: string,
  files: readonly IdlFile[],
  structs: ReadonlyMap<string, ThriftStruct>,
  enums: ReadonlyMap<string, ThriftEnum>,
): { ok: true; name: string } | Failure {
  const dot = name.lastIndexOf(".");
  const prefix = dot < 0 ? undefined : name.slice(0, dot);
  const local = name.slice(dot + 1);
  const candidates: string[] = [];
  for (const [i, file] of files.entries()) {
    const matches =
      prefix === undefined ? i === 0 : prefix === file.scope || file.namespaces.includes(prefix);
    if (matches) candidates.push(`${file.scope}.${local}`);
  }
  for (const qualified of candidates) if (structs.has(qualified)) return { ok: true, name: qualified };
  if (candidates.some((q) => enums.has(q)))
    return fail("NOT_FOUND", `type ${name} is an enum, not a struct`, "name");
  return fail("NOT_FOUND", `struct ${name} is not defined in the schema`, "name");
}

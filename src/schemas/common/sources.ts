import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import { utf8Length } from "./utf8.js";

/** One schema source file; imports / includes are resolved by `path` among the files sent together. */
export interface SourceFile {
  readonly path: string;
  readonly content: string;
}

/** "./a//b.proto" -> "a/b.proto", so imports match however the sender spelled the path. */
export function normalizePath(path: string): string {
  return path
    .replace(/\\/g, "/")
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}

/**
 * Checks the files against the count and size limits and for duplicate or empty paths;
 * returns them keyed by normalized path, in the order sent.
 */
export function checkSources(
  files: readonly SourceFile[] | undefined,
  limits: SchemaLimits,
): { ok: true; files: Map<string, string> } | Failure {
  if (files === undefined || files.length === 0) {
    return fail("INVALID_ARGUMENT", "no schema files sent", "files");
  }
  if (files.length > limits.maxFiles) {
    return fail(
      "RESOURCE_EXHAUSTED",
      `${files.length} schema files exceed maxFiles (${limits.maxFiles})`,
      "files",
    );
  }
  const out = new Map<string, string>();
  let total = 0;
  for (const [i, file] of files.entries()) {
    if (typeof file?.path !== "string" || typeof file.content !== "string") {
      return fail("INVALID_ARGUMENT", "file needs a string path and content", `files[${i}]`);
    }
    const path = normalizePath(file.path);
    if (path === "") return fail("INVALID_ARGUMENT", "file path is empty", `files[${i}].path`);
    if (out.has(path)) return fail("INVALID_ARGUMENT", `file ${path} sent twice`, `files[${i}].path`);
    const bytes = utf8Length(file.content);
    if (bytes > limits.maxFileBytes) {
      return fail(
        "RESOURCE_EXHAUSTED",
        `file ${path} is ${bytes} bytes, over maxFileBytes (${limits.maxFileBytes})`,
        `files[${i}].content`,
      );
    }
    total += bytes;
    if (total > limits.maxTotalSchemaBytes) {
      return fail(
        "RESOURCE_EXHAUSTED",
        `schema files total over maxTotalSchemaBytes (${limits.maxTotalSchemaBytes})`,
        "files",
      );
    }
    out.set(path, file.content);
  }
  return { ok: true, files: out };
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = join(fileURLToPath(import.meta.url), "..", "..", "..");

/** The schema fingerprint every language's generated code is stamped with. */
export function schemaHash(): string {
  return execFileSync("node", [join(REPO, "scripts/schema-hash.mjs")], { encoding: "utf8" }).trim();
}

/** rpc names of service Gateway in proto/hearsay/v1/gateway.proto. */
export function protoRpcs(): string[] {
  const text = readFileSync(join(REPO, "proto/hearsay/v1/gateway.proto"), "utf8");
  return [...text.matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)].map((m) => m[1]!);
}

/** Method names of service Gateway in thrift/hearsay.thrift. */
export function thriftMethods(): string[] {
  const text = readFileSync(join(REPO, "thrift/hearsay.thrift"), "utf8");
  const body = text.slice(text.indexOf("service Gateway {"));
  // A method line: return type, name, "(1:"; continuation lines start with "throws".
  return [...body.matchAll(/^[ \t]+(?![ \t])(?!throws\b)[\w<>, ]+?\s+(\w+)\s*\(\s*1:/gm)].map((m) => m[1]!);
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./support/schema.js";

/** Fields (with their message) not preceded by a comment line. */
function undocumented(path: string, fieldRe: RegExp, containerRe: RegExp): string[] {
  const lines = readFileSync(join(REPO, path), "utf8").split("\n");
  let container = "";
  const missing: string[] = [];
  lines.forEach((line, i) => {
    const c = containerRe.exec(line);
    if (c) container = c[1]!;
    const f = fieldRe.exec(line);
    if (f && !lines[i - 1]!.trim().startsWith("//")) missing.push(`${container}.${f[1]}`);
  });
  return missing;
}

describe("client API schemas", () => {
  it.each(["types", "errors", "gateway", "admin"])("documents every field of %s.proto", (name) => {
    const missing = undocumented(
      `proto/hearsay/v1/${name}.proto`,
      /^\s+(?:optional |repeated )?[\w.<>, ]+\s+(\w+)\s*=\s*\d+;/,
      /^(?:message|enum)\s+(\w+)/,
    );
    expect(missing).toEqual([]);
  });

  it("documents every field of hearsay.thrift", () => {
    const missing = undocumented(
      "thrift/hearsay.thrift",
      /^\s+\d+:\s*(?:optional\s+)?[\w<>, ]+\s+(\w+),?$/,
      /^(?:struct|union|exception)\s+(\w+)/,
    );
    expect(missing).toEqual([]);
  });

  it("carries sequences as 64-bit and the resume cursor as optional", () => {
    const types = readFileSync(join(REPO, "proto/hearsay/v1/types.proto"), "utf8");
    const gateway = readFileSync(join(REPO, "proto/hearsay/v1/gateway.proto"), "utf8");
    expect(types).toMatch(/uint64 sequence = \d+;/);
    expect(types).toMatch(/uint64 sequence = 3;\n/);
    expect(types).toMatch(/uint64 stream_sequence = \d+;/);
    expect(gateway).toMatch(/optional Cursor resume_from = \d+;/);
    const thrift = readFileSync(join(REPO, "thrift/hearsay.thrift"), "utf8");
    expect(thrift).toMatch(/i64 sequence,/);
    expect(thrift).toMatch(/optional Cursor resumeFrom,/);
  });
});

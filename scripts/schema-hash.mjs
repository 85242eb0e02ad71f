#!/usr/bin/env node
// Prints the schema fingerprint that every language's generated code is
// stamped with (file `.schema-sha256` beside the generated code):
// SHA-256 over the .proto and .thrift files under proto/ and thrift/, taken
// in byte order of their repo-relative paths, each as path + "\0" + content + "\0".
// The tests of every language recompute it the same way to detect stale output.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(import.meta.url), "..", "..");

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const files = ["proto", "thrift"]
  .flatMap((d) => walk(join(root, d)))
  .filter((f) => f.endsWith(".proto") || f.endsWith(".thrift"))
  .map((f) => relative(root, f).split("\\").join("/"))
  .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

const h = createHash("sha256");
for (const f of files) {
  h.update(f);
  h.update("\0");
  h.update(readFileSync(join(root, f)));
  h.update("\0");
}
process.stdout.write(h.digest("hex") + "\n");

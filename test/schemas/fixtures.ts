import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import {
  compileSchema,
  type CompiledType,
  type SchemaInput,
  type SchemaLimits,
  type SourceFile,
} from "../../src/schemas/index.js";
import type { Problem } from "../../src/errors/index.js";

export const COMMON_PROTO = `syntax = "proto3";
package demo.common;

// A point on a plane.
message Point {
  sint32 x = 1;
  sint32 y = 2;
  string label = 3;
}
`;

export const EVERYTHING_PROTO = `syntax = "proto3";
package demo;

import "google/protobuf/timestamp.proto";
import "demo/common.proto";

// Every scalar kind, nested messages, repeated, maps, enums, a oneof, proto3 optional.
message Everything {
  double f_double = 1;
  float f_float = 2;
  int32 f_int32 = 3;
  int64 f_int64 = 4;
  uint32 f_uint32 = 5;
  uint64 f_uint64 = 6;
  sint32 f_sint32 = 7;
  sint64 f_sint64 = 8;
  fixed32 f_fixed32 = 9;
  fixed64 f_fixed64 = 10;
  sfixed32 f_sfixed32 = 11;
  sfixed64 f_sfixed64 = 12;
  bool f_bool = 13;
  string f_string = 14;
  bytes f_bytes = 15;
  Color color = 16;
  common.Point point = 17;
  repeated int64 r_int64 = 18;
  repeated string r_string = 19;
  repeated common.Point r_points = 20;
  map<string, int64> m_counts = 21;
  map<int32, common.Point> m_points = 22;
  oneof choice {
    string c_text = 23;
    common.Point c_point = 24;
  }
  optional int32 maybe = 25;
  google.protobuf.Timestamp at = 26;
  Everything child = 27;
  repeated Color r_colors = 28;
}

enum Color {
  COLOR_UNSPECIFIED = 0;
  RED = 1;
  GREEN = 2;
}
`;

export const EVERYTHING_FILES: SourceFile[] = [
  { path: "demo/everything.proto", content: EVERYTHING_PROTO },
  { path: "demo/common.proto", content: COMMON_PROTO },
];

/** protoc text format of one Everything with values at the edges of every kind. */
export const EVERYTHING_TEXT = `
f_double: 1.5 f_float: 0.1 f_int32: -7 f_int64: -9007199254740993 f_uint32: 4294967295
f_uint64: 18446744073709551615 f_sint32: -3 f_sint64: -9223372036854775808 f_fixed32: 7
f_fixed64: 9007199254740993 f_sfixed32: -8 f_sfixed64: -9 f_bool: true f_string: "h\\303\\251llo"
f_bytes: "\\001\\002\\377" color: GREEN point { x: -1 y: 2 label: "p" }
r_int64: [1, -2, 9223372036854775807] r_string: ["a", "b"] r_points { x: 1 } r_points { y: 2 }
m_counts { key: "k" value: 12345678901234567 } m_points { key: -5 value { label: "m" } }
c_point { x: 9 } maybe: 0 at { seconds: 1700000000 nanos: 5000000 } child { f_int32: 1 }
r_colors: [RED, GREEN, COLOR_UNSPECIFIED]
`;

/** The proto3 JSON of EVERYTHING_TEXT, key order as the renderer writes it (field number order). */
export const EVERYTHING_JSON = {
  fDouble: 1.5,
  fFloat: 0.1,
  fInt32: -7,
  fInt64: "-9007199254740993",
  fUint32: 4294967295,
  fUint64: "18446744073709551615",
  fSint32: -3,
  fSint64: "-9223372036854775808",
  fFixed32: 7,
  fFixed64: "9007199254740993",
  fSfixed32: -8,
  fSfixed64: "-9",
  fBool: true,
  fString: "héllo",
  fBytes: "AQL/",
  color: "GREEN",
  point: { x: -1, y: 2, label: "p" },
  rInt64: ["1", "-2", "9223372036854775807"],
  rString: ["a", "b"],
  rPoints: [{ x: 1 }, { y: 2 }],
  mCounts: { k: "12345678901234567" },
  mPoints: { "-5": { label: "m" } },
  cPoint: { x: 9 },
  maybe: 0,
  at: "2023-11-14T22:13:20.005Z",
  child: { fInt32: 1 },
  rColors: ["RED", "GREEN", "COLOR_UNSPECIFIED"],
};

export const SHARED_THRIFT = `// Shared types.
struct Point {
  1: required i32 x,
  2: required i32 y,
}
`;

export const EVENT_THRIFT = `include "shared.thrift"

namespace java dev.demo
namespace js demo

typedef i64 Millis

enum Level {
  LOW = 1,
  HIGH,
  CRIT = 0x10,
}

union Choice {
  1: string text,
  2: i64 number,
}

struct Event {
  1: required string id,
  2: optional bool flag,
  3: byte b,
  4: i16 s,
  5: i32 n,
  6: Millis at,
  7: double d,
  8: binary raw,
  9: Level level,
  10: shared.Point where,
  11: list<shared.Point> path,
  12: set<string> tags,
  13: map<string, i64> counts,
  14: map<i32, list<string>> byNum,
  15: optional Choice choice,
  16: i8 tiny,
  17: optional Event parent,
}
`;

export const EVENT_FILES: SourceFile[] = [
  { path: "demo/event.thrift", content: EVENT_THRIFT },
  { path: "demo/shared.thrift", content: SHARED_THRIFT },
];

export const EVENT_JSON = {
  id: "e1",
  flag: true,
  b: -128,
  s: -300,
  n: 2147483647,
  at: "9223372036854775807",
  d: 2.5,
  raw: "AQL/",
  level: "CRIT",
  where: { x: 1, y: -2 },
  path: [
    { x: 0, y: 0 },
    { x: 3, y: 4 },
  ],
  tags: ["a", "b"],
  counts: { k: "-9007199254740993" },
  byNum: [[3, ["x", "y"]]],
  choice: { number: "-12" },
  tiny: 127,
  parent: { id: "root" },
};

/** Compiles or fails the test with the error. */
export function compileOk(input: SchemaInput, limits?: Partial<SchemaLimits>): CompiledType {
  const r = compileSchema(input, limits);
  if (!r.ok) expect.fail(`compile failed: ${JSON.stringify(r.error)}`);
  return r.type;
}

/** Asserts a failed result and returns its error. */
export function errorOf(r: { ok: boolean; error?: Problem }): Problem {
  if (r.ok || r.error === undefined) expect.fail("expected a failure, got ok");
  return r.error;
}

function withFiles<T>(files: readonly SourceFile[], run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "hearsay-schemas-"));
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What `protoc [--include_imports] --descriptor_set_out` writes for the first file. */
export function protocDescriptorSet(files: readonly SourceFile[], includeImports = true): Uint8Array {
  return withFiles(files, (dir) => {
    const out = join(dir, "set.pb");
    const imports = includeImports ? ["--include_imports"] : [];
    execFileSync("protoc", ["-I", dir, ...imports, `--descriptor_set_out=${out}`, files[0]!.path]);
    return new Uint8Array(readFileSync(out));
  });
}

/** protoc's binary encoding of a text-format message: an oracle independent of the code under test. */
export function protocEncode(files: readonly SourceFile[], type: string, text: string): Uint8Array {
  return withFiles(files, (dir) => {
    const out = execFileSync("protoc", ["-I", dir, `--encode=${type}`, files[0]!.path], { input: text });
    return new Uint8Array(out);
  });
}

/** protoc's text-format decoding of a payload. */
export function protocDecode(files: readonly SourceFile[], type: string, payload: Uint8Array): string {
  return withFiles(files, (dir) =>
    execFileSync("protoc", ["-I", dir, `--decode=${type}`, files[0]!.path], {
      input: payload,
      encoding: "utf8",
    }),
  );
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}

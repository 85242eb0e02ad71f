import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/errors/index.js";
import { compileSchema } from "../../src/schemas/index.js";
import {
  EVENT_FILES,
  EVERYTHING_FILES,
  EVERYTHING_TEXT,
  compileOk,
  errorOf,
  fromHex,
  protocEncode,
} from "./fixtures.js";

const everything = compileOk({ name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES });
const event = compileOk({ name: "demo.Event", format: "thrift-idl", files: EVENT_FILES });

/** mulberry32: a seeded PRNG so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

const CODES = ["INVALID_ARGUMENT", "RESOURCE_EXHAUSTED"];

/** A result, never a throw: ok, or one of the expected codes with a message. */
function expectCleanOutcome(r: { ok: boolean; error?: Problem }, codes = CODES): void {
  if (!r.ok) {
    expect(codes).toContain(r.error!.code);
    expect(r.error!.message.length).toBeGreaterThan(0);
  }
}

describe("hostile schemas", () => {
  it("reports .proto syntax errors with the file and line", () => {
    const r = compileSchema({
      name: "a.A",
      format: "proto-source",
      files: [
        { path: "a.proto", content: 'syntax = "proto3";\npackage a;\nmessage A {\n  int32 x = ;\n}\n' },
      ],
    });
    expect(errorOf(r)).toEqual({
      code: "INVALID_ARGUMENT",
      field: "files",
      message: "a.proto: illegal id ';' (line 4)",
    });
  });

  it("reports Thrift syntax errors with the file and line", () => {
    const r = compileSchema({
      name: "S",
      format: "thrift-idl",
      files: [{ path: "s.thrift", content: "struct S {\n  1: i32 a,\n  2 string b\n}\n" }],
    });
    expect(errorOf(r)).toEqual({
      code: "INVALID_ARGUMENT",
      field: "files",
      message: "s.thrift (line 3): FieldType expected but found: IntegerLiteral",
    });
  });

  it("answers NOT_FOUND naming a type the schema does not define", () => {
    expect(
      errorOf(compileSchema({ name: "demo.Nope", format: "proto-source", files: EVERYTHING_FILES })),
    ).toEqual({
      code: "NOT_FOUND",
      field: "name",
      message: "type demo.Nope is not defined in the schema",
    });
    expect(
      errorOf(compileSchema({ name: "demo.Color", format: "proto-source", files: EVERYTHING_FILES })),
    ).toEqual({
      code: "NOT_FOUND",
      field: "name",
      message: "type demo.Color is an enum, not a message",
    });
    expect(errorOf(compileSchema({ name: "demo.Nope", format: "thrift-idl", files: EVENT_FILES }))).toEqual({
      code: "NOT_FOUND",
      field: "name",
      message: "struct demo.Nope is not defined in the schema",
    });
  });

  it("refuses missing imports and includes, unresolved types, groups and bad field ids", () => {
    const proto = (content: string) =>
      compileSchema({ name: "a.A", format: "proto-source", files: [{ path: "a.proto", content }] });
    expect(errorOf(proto('syntax = "proto3"; package a; import "b.proto"; message A {}')).message).toBe(
      'a.proto imports "b.proto", which was not sent',
    );
    expect(errorOf(proto('syntax = "proto3"; package a; message A { B b = 1; }')).message).toBe(
      "no such Type or Enum 'B' in Type .a.A",
    );
    expect(
      errorOf(
        proto('syntax = "proto2"; package a; message A { optional group G = 1 { optional int32 x = 2; } }'),
      ).message,
    ).toBe("field a.A.g is a group; groups are not supported");
    const idl = (content: string) =>
      compileSchema({ name: "S", format: "thrift-idl", files: [{ path: "s.thrift", content }] });
    expect(errorOf(idl('include "x.thrift"\nstruct S {}')).message).toBe(
      's.thrift includes "x.thrift", which was not sent',
    );
    expect(errorOf(idl("struct S { 1: Missing m }")).message).toBe(
      "field s.S.m: type Missing is not defined",
    );
    expect(errorOf(idl("struct S { i32 a }")).message).toBe(
      "field s.S.a needs an explicit id from 1 to 32767",
    );
    expect(errorOf(idl("typedef A B\ntypedef B A\nstruct S { 1: A a }")).message).toBe(
      "field s.S.a: typedef A refers to itself",
    );
    // A typedef chain that doubles at each step would expand to 2^40 nodes.
    const bomb = Array.from({ length: 40 }, (_, i) => `typedef map<T${i + 1}, T${i + 1}> T${i}`).join("\n");
    const exploded = idl(`${bomb}\ntypedef i32 T40\nstruct S { 1: T0 a }`);
    expect(errorOf(exploded)).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "s.S.a",
      message: "field s.S.a has a type of over 1000 nodes",
    });
  });

  it("refuses descriptor-set garbage, empty sets and descriptor nesting bombs", () => {
    const set = (bytes: Uint8Array) =>
      compileSchema({ name: "a.A", format: "proto-descriptor-set", descriptorSet: bytes });
    expect(errorOf(set(new Uint8Array(0)))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "descriptorSet",
      message: "no descriptor set sent",
    });
    expect(errorOf(set(fromHex("0a05ffff")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "descriptorSet",
      message: "descriptor set does not decode: a length prefix points past the end of the payload (at file)",
    });
    // file { message_type { name: 7 } }: a varint where a string belongs.
    expect(errorOf(set(fromHex("0a04 2202 0807"))).message).toBe(
      "descriptor set does not decode: field file.message_type.name (number 1) has wire type 0, but string is written with wire type 2 (at file.message_type.name)",
    );
    // A valid set (file { message_type { name: "X" } }) that does not define the type.
    expect(errorOf(set(fromHex("0a05 2203 0a0158")))).toEqual({
      code: "NOT_FOUND",
      field: "name",
      message: "type a.A is not defined in the schema",
    });
    // 200 nested DescriptorProto.nested_type levels.
    let nested = new Uint8Array(0);
    for (let i = 0; i < 200; i++) nested = Uint8Array.from([0x1a, ...varint(nested.length), ...nested]);
    const message = [0x22, ...varint(nested.length), ...nested];
    const bomb = Uint8Array.from([0x0a, ...varint(message.length), ...message]);
    expect(errorOf(set(bomb))).toMatchObject({
      code: "RESOURCE_EXHAUSTED",
      message: expect.stringMatching(
        /^descriptor set does not decode: payload nests deeper than maxDecodeDepth \(64\)/,
      ),
    });
    const next = rng(7);
    for (let i = 0; i < 300; i++) {
      expectCleanOutcome(set(randomBytes(next, 1 + Math.floor(next() * 200))), [...CODES, "NOT_FOUND"]);
    }
  });

  it("enforces the size, count and type limits, naming the limit", () => {
    const big = "// x\n".repeat(300_000);
    expect(
      errorOf(
        compileSchema({ name: "a.A", format: "proto-source", files: [{ path: "a.proto", content: big }] }),
      ),
    ).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "files[0].content",
      message: "file a.proto is 1500000 bytes, over maxFileBytes (1048576)",
    });
    const many = Array.from({ length: 65 }, (_, i) => ({ path: `f${i}.proto`, content: "" }));
    expect(errorOf(compileSchema({ name: "a.A", format: "proto-source", files: many })).message).toBe(
      "65 schema files exceed maxFiles (64)",
    );
    const total = compileSchema(
      { name: "a.A", format: "proto-source", files: EVERYTHING_FILES },
      { maxTotalSchemaBytes: 1000 },
    );
    expect(errorOf(total).message).toBe("schema files total over maxTotalSchemaBytes (1000)");
    const set = compileSchema(
      { name: "a.A", format: "proto-descriptor-set", descriptorSet: new Uint8Array(2000) },
      { maxDescriptorSetBytes: 1000 },
    );
    expect(errorOf(set)).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "descriptorSet",
      message: "descriptor set is 2000 bytes, over maxDescriptorSetBytes (1000)",
    });
    const types = compileSchema(
      { name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES },
      { maxTypes: 3 },
    );
    expect(errorOf(types).code).toBe("RESOURCE_EXHAUSTED");
    expect(errorOf(types).message).toMatch(/over maxTypes \(3\)$/);
  });

  it("refuses bad names, formats and file lists", () => {
    expect(
      errorOf(compileSchema({ name: "not a name", format: "proto-source", files: EVERYTHING_FILES })).field,
    ).toBe("name");
    expect(
      errorOf(compileSchema({ name: "a.A", format: "yaml" as never, files: EVERYTHING_FILES })).field,
    ).toBe("format");
    expect(errorOf(compileSchema({ name: "a.A", format: "proto-source" })).message).toBe(
      "no schema files sent",
    );
    const dup = [EVERYTHING_FILES[0]!, { ...EVERYTHING_FILES[0]! }];
    expect(errorOf(compileSchema({ name: "a.A", format: "proto-source", files: dup })).message).toBe(
      "file demo/everything.proto sent twice",
    );
  });

  it("survives absurdly nested schema text", () => {
    const deepProto = `syntax = "proto3"; package a; ${"message M { ".repeat(5000)}${"}".repeat(5000)}`;
    expect(
      errorOf(
        compileSchema({
          name: "a.M",
          format: "proto-source",
          files: [{ path: "a.proto", content: deepProto }],
        }),
      ).code,
    ).toBe("INVALID_ARGUMENT");
    const deepIdl = `struct S { 1: ${"list<".repeat(20000)}i32${">".repeat(20000)} a }`;
    expectCleanOutcome(
      compileSchema({ name: "S", format: "thrift-idl", files: [{ path: "s.thrift", content: deepIdl }] }),
    );
  });
});

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

describe("hostile protobuf payloads", () => {
  const sample = protocEncode(EVERYTHING_FILES, "demo.Everything", EVERYTHING_TEXT);

  it.each([
    [
      "a truncated length-delimited field",
      "7205 6869",
      "f_string",
      "a length prefix points past the end of the payload",
    ],
    [
      "a huge length prefix",
      "7a ffffffff0f 00",
      "f_bytes",
      "a length prefix points past the end of the payload",
    ],
    ["a varint cut short", "18 ff", "f_int32", "payload is truncated inside a varint"],
    ["a varint over 64 bits", "18 ffffffffffffffffff7f", "f_int32", "varint longer than 64 bits"],
    ["a tag varint over 64 bits", "ffffffffffffffffffff01", "", "varint longer than 64 bits"],
    [
      "a wrong wire type",
      "1a 01 00",
      "f_int32",
      "field f_int32 (number 3) has wire type 2, but int32 is written with wire type 0",
    ],
    [
      "a fixed64 where a message belongs",
      "89 01 0000000000000000",
      "point",
      "field point (number 17) has wire type 1, but message demo.common.Point is written with wire type 2",
    ],
    ["field number 0", "00 01", "", "invalid field tag (field number 0 or over 2^29-1)"],
    ["wire type 7", "9f 06", "", "field number 99 has invalid wire type 7"],
    ["an unclosed group", "9b 06 08 01", "", "group 99 is not closed"],
    ["a mismatched end-group", "9b 06 a4 06", "", "group 99 closed by end-group 100"],
    ["invalid UTF-8", "7202 c328", "f_string", "string field f_string is not valid UTF-8"],
    [
      "a truncated packed field",
      "9201 03 01 02",
      "r_int64",
      "a length prefix points past the end of the payload",
    ],
    ["a truncated fixed32", "4d 0700", "f_fixed32", "payload is truncated"],
    [
      "a nested field overrunning its message",
      "8a01 02 1a 05",
      "point.label",
      "a length prefix points past the end of the payload",
    ],
    [
      "a packed varint running past its field",
      "9201 01 ff 00",
      "r_int64",
      "payload is truncated inside a varint",
    ],
  ])("refuses %s", (_what, payload, field, message) => {
    const error = errorOf(everything.validate(fromHex(payload)));
    expect(error).toEqual(
      field === "" ? { code: "INVALID_ARGUMENT", message } : { code: "INVALID_ARGUMENT", field, message },
    );
    expect(errorOf(everything.toJson(fromHex(payload)))).toEqual(error);
  });

  it("never throws on truncations and random bytes", () => {
    for (let n = 0; n < sample.length; n++) {
      expectCleanOutcome(everything.validate(sample.subarray(0, n)));
      expectCleanOutcome(everything.toJson(sample.subarray(0, n)));
    }
    const next = rng(42);
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(next, 1 + Math.floor(next() * 64));
      expectCleanOutcome(everything.validate(bytes));
      expectCleanOutcome(everything.toJson(bytes));
    }
    // Flip single bytes of a valid payload.
    for (let i = 0; i < sample.length; i++) {
      const copy = sample.slice();
      copy[i] = copy[i]! ^ 0xff;
      expectCleanOutcome(everything.toJson(copy));
    }
  });

  it("stops nesting bombs at maxDecodeDepth without deep recursion", () => {
    // child { child { ... } }: 63 levels below the root fit in the default depth of 64, 200 do not.
    let bomb = new Uint8Array(0);
    for (let i = 0; i < 63; i++) bomb = Uint8Array.from([0xda, 0x01, ...varint(bomb.length), ...bomb]);
    expect(everything.validate(bomb)).toEqual({ ok: true });
    for (let i = 63; i < 200; i++) bomb = Uint8Array.from([0xda, 0x01, ...varint(bomb.length), ...bomb]);
    expect(errorOf(everything.validate(bomb))).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: Array.from({ length: 64 }, () => "child").join("."),
      message: "payload nests deeper than maxDecodeDepth (64)",
    });
    // Unknown groups nested 100 000 deep: 2 bytes each, no lengths to check.
    const groups = fromHex("9b06".repeat(100_000));
    expect(errorOf(everything.validate(groups)).code).toBe("RESOURCE_EXHAUSTED");
    const shallow = compileOk(
      { name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES },
      { maxDecodeDepth: 3 },
    );
    expect(shallow.validate(fromHex("da01 03 da01 00"))).toEqual({ ok: true });
    expect(errorOf(shallow.validate(fromHex("da01 06 da01 03 da01 00")))).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "child.child.child",
      message: "payload nests deeper than maxDecodeDepth (3)",
    });
  });

  it("enforces maxDecodedValues and maxPayloadBytes", () => {
    const small = compileOk(
      { name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES },
      { maxDecodedValues: 100, maxPayloadBytes: 1000 },
    );
    const packed = Uint8Array.from([0x92, 0x01, 200, 1, ...new Array<number>(200).fill(1)]);
    expect(errorOf(small.validate(packed))).toEqual({
      code: "RESOURCE_EXHAUSTED",
      message: "payload has more values than maxDecodedValues (100)",
    });
    expect(everything.validate(packed)).toEqual({ ok: true });
    expect(errorOf(small.validate(new Uint8Array(1001)))).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "payload",
      message: "payload over maxPayloadBytes (1000)",
    });
    expect(errorOf(everything.validate("nope" as unknown as Uint8Array)).message).toBe(
      "payload must be a Uint8Array",
    );
  });
});

describe("hostile thrift payloads", () => {
  const valid = fromHex("0b0001 00000001 61 00");

  it.each([
    [
      "a huge list size",
      "0b000100000000 0f000b 0c 7fffffff 00",
      "path",
      "container size 2147483647 does not fit in the payload",
    ],
    ["a negative string length", "0b0001 ffffffff 00", "id", "string length -1 does not fit in the payload"],
    [
      "a huge string length",
      "0b0001 7fffffff 00",
      "id",
      "string length 2147483647 does not fit in the payload",
    ],
    [
      "a wrong field type",
      "0b000100000000 0b0005 00000000 00",
      "n",
      "field n (id 5) has type id 11, but i32 is written as 8",
    ],
    ["a bool byte of 2", "0b000100000000 020002 02 00", "flag", "bool byte is 2, not 0 or 1"],
    ["a truncated i64", "0b000100000000 0a0006 0000 ", "at", "payload is truncated"],
    ["a missing STOP", "0b000100000000", "payload", "payload is truncated"],
    [
      "wrong list element types",
      "0b000100000000 0f000b 08 00000001 00000001 00",
      "path",
      "elements have type id 8, expected 12 (struct shared.Point)",
    ],
    ["an unknown type id in an unknown field", "0b000100000000 630063 00", "payload", "unknown type id 99"],
    ["invalid UTF-8", "0b0001 00000002 c328 00", "id", "string id is not valid UTF-8"],
  ])("refuses %s", (_what, payload, field, message) => {
    const error = errorOf(event.validate(fromHex(payload)));
    expect(error).toEqual({ code: "INVALID_ARGUMENT", field, message });
    expect(errorOf(event.toJson(fromHex(payload)))).toEqual(error);
  });

  it("refuses bytes after the struct", () => {
    expect(event.validate(valid)).toEqual({ ok: true });
    expect(errorOf(event.validate(Uint8Array.from([...valid, 0])))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "payload",
      message: "1 bytes follow the end of the struct",
    });
  });

  it("stops nesting bombs and never throws on garbage", () => {
    // parent { parent { ... } } 1000 levels (each needs the required id).
    const level = "0b000100000000 0c0011";
    const bomb = fromHex(level.repeat(1000) + "0b000100000000 00" + "00".repeat(1000));
    expect(errorOf(event.validate(bomb))).toMatchObject({
      code: "RESOURCE_EXHAUSTED",
      message: "payload nests deeper than maxDecodeDepth (64)",
    });
    // Unknown nested lists 100 000 deep.
    const lists = fromHex("0f0063" + "0f00000001".repeat(100_000));
    expect(errorOf(event.validate(lists)).code).toBe("RESOURCE_EXHAUSTED");
    const next = rng(99);
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(next, 1 + Math.floor(next() * 64));
      expectCleanOutcome(event.validate(bytes));
      expectCleanOutcome(event.toJson(bytes));
    }
  });
});

describe("hostile JSON", () => {
  it("refuses JSON that does not parse or is too large", () => {
    expect(errorOf(everything.fromJson("{"))).toMatchObject({ code: "INVALID_ARGUMENT", field: "json" });
    expect(errorOf(everything.fromJson("{")).message).toMatch(/^JSON does not parse: /);
    const small = compileOk(
      { name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES },
      { maxJsonBytes: 100 },
    );
    expect(errorOf(small.fromJson(JSON.stringify({ fString: "x".repeat(200) })))).toEqual({
      code: "RESOURCE_EXHAUSTED",
      field: "json",
      message: "JSON input over maxJsonBytes (100)",
    });
    expect(errorOf(event.fromJson(`"${"é".repeat(3_000_000)}"`)).code).toBe("RESOURCE_EXHAUSTED");
  });

  it("refuses unknown fields, wrong types and 64-bit numbers JSON cannot carry", () => {
    expect(errorOf(everything.fromJson('{"nope":1}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "nope",
      message: "demo.Everything has no field nope",
    });
    expect(errorOf(everything.fromJson('{"fUint64":18446744073709551615}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "fUint64",
      message: "18446744073709552000 is beyond 2^53; send 64-bit integers as strings",
    });
    expect(errorOf(everything.fromJson('{"fInt32":2147483648}')).message).toBe(
      "expected a 32-bit integer, got 2147483648",
    );
    expect(errorOf(everything.fromJson('{"fUint64":"-1"}')).message).toBe(
      'expected an unsigned 64-bit integer, got "-1"',
    );
    expect(errorOf(everything.fromJson('{"point":{"x":1.5}}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "point.x",
      message: "expected a 32-bit integer, got 1.5",
    });
    expect(errorOf(everything.fromJson('{"fBytes":"***"}')).message).toBe('expected base64, got "***"');
    expect(errorOf(everything.fromJson("[]")).message).toBe("expected an object for demo.Everything, got []");
    expect(errorOf(event.fromJson('{"id":"a","at":9007199254740993}')).message).toBe(
      "9007199254740992 is beyond 2^53; send i64 as a string",
    );
    expect(errorOf(event.fromJson('{"id":"a","b":128}')).message).toBe("expected byte, got 128");
  });

  it("keeps hostile map keys as plain keys", () => {
    const r = everything.fromJson('{"mCounts":{"__proto__":"1","constructor":"2"}}');
    if (!r.ok) expect.fail(JSON.stringify(r.error));
    expect(everything.toJson(r.payload)).toEqual({
      ok: true,
      json: '{"mCounts":{"__proto__":"1","constructor":"2"}}',
    });
  });

  it("stops deep JSON at maxDecodeDepth", () => {
    const deep = `${'{"child":'.repeat(200)}{}${"}".repeat(200)}`;
    expect(errorOf(everything.fromJson(deep))).toMatchObject({
      code: "RESOURCE_EXHAUSTED",
      message: "JSON nests deeper than maxDecodeDepth (64)",
    });
    const struct = compileOk({
      name: "s.S",
      format: "proto-source",
      files: [
        {
          path: "s.proto",
          content:
            'syntax = "proto3"; package s; import "google/protobuf/struct.proto"; message S { google.protobuf.Value v = 1; }',
        },
      ],
    });
    expect(errorOf(struct.fromJson(`{"v":${"[".repeat(100_000)}${"]".repeat(100_000)}}`)).code).toBe(
      "RESOURCE_EXHAUSTED",
    );
    const idlDeep = `{"id":"a",${'"parent":{"id":"a",'.repeat(200)}"n":1${"}".repeat(200)}}`;
    expect(errorOf(event.fromJson(idlDeep)).code).toBe("RESOURCE_EXHAUSTED");
    expect(
      errorOf(event.fromJson(`{"id":"a","byNum":[[1,${"[".repeat(100)}${"]".repeat(100)}]]}`)).code,
    ).toBe("INVALID_ARGUMENT");
  });
});

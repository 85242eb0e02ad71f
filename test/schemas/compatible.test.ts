import { describe, expect, it } from "vitest";
import { checkCompatible, type CompiledType } from "../../src/schemas/index.js";
import { EVENT_FILES, EVERYTHING_FILES, compileOk, protocDescriptorSet } from "./fixtures.js";

function proto(body: string, name = "v.Msg"): CompiledType {
  return compileOk({
    name,
    format: "proto-source",
    files: [{ path: "v.proto", content: `package v;\n${body}` }],
  });
}

function idl(body: string, name = "S"): CompiledType {
  return compileOk({ name, format: "thrift-idl", files: [{ path: "v.thrift", content: body }] });
}

const P2 = 'syntax = "proto2";\n';
const P3 = 'syntax = "proto3";\n';
const BASE3 = `${P3}message Msg { int32 a = 1; string b = 2; Sub sub = 3; repeated Sub subs = 4; Kind kind = 5; map<string, Sub> m = 6; }
message Sub { int64 x = 1; }
enum Kind { K0 = 0; K1 = 1; }`;

describe("protobuf compatibility", () => {
  const base = proto(BASE3);

  it.each([
    ["an identical schema", BASE3],
    [
      "a new optional field",
      BASE3.replace("map<string, Sub> m = 6;", "map<string, Sub> m = 6; optional bool c = 7;"),
    ],
    ["a removed optional field", BASE3.replace("string b = 2; ", "")],
    ["a renamed field with the same number and type", BASE3.replace("string b = 2;", "string title = 2;")],
    ["a new enum value", BASE3.replace("K1 = 1;", "K1 = 1; K2 = 2;")],
    ["a new field in a nested message", BASE3.replace("int64 x = 1;", "int64 x = 1; string y = 2;")],
    ["a renamed nested message type", BASE3.replace(/Sub/g, "Part")],
  ])("accepts %s", (_what, body) => {
    expect(checkCompatible(base, proto(body))).toEqual({ ok: true });
  });

  it.each([
    [
      "a changed scalar type",
      BASE3.replace("int32 a = 1;", "int64 a = 1;"),
      "a",
      "field a (v.Msg.a), number 1, changed type from int32 to int64",
    ],
    [
      "a changed number",
      BASE3.replace("string b = 2;", "string b = 9;"),
      "b",
      "field b (v.Msg.b) changed number from 2 to 9",
    ],
    [
      "a changed type in a nested message",
      BASE3.replace("int64 x = 1;", "string x = 1;"),
      "sub.x",
      "field sub.x (v.Sub.x), number 1, changed type from int64 to string",
    ],
    [
      "singular to repeated",
      BASE3.replace("int32 a = 1;", "repeated int32 a = 1;"),
      "a",
      "field a (v.Msg.a), number 1, changed type from int32 to repeated int32",
    ],
    [
      "a changed map value type",
      BASE3.replace("map<string, Sub> m = 6;", "map<string, int32> m = 6;"),
      "m",
      "field m (v.Msg.m), number 6, changed type from map<string, message v.Sub> to map<string, int32>",
    ],
    [
      "a renumbered enum value",
      BASE3.replace("K0 = 0; K1 = 1;", "K0 = 0; K1 = 2;"),
      "kind",
      "enum value v.Kind.K1 of field kind changed number from 1 to 2",
    ],
  ])("refuses %s, naming the field", (_what, body, field, message) => {
    expect(checkCompatible(base, proto(body))).toEqual({
      ok: false,
      error: { code: "FAILED_PRECONDITION", field, message },
    });
  });

  it("refuses removing or adding a proto2 required field, and optional becoming required", () => {
    const v1 = proto(`${P2}message Msg { required string id = 1; optional int32 n = 2; }`);
    expect(checkCompatible(v1, proto(`${P2}message Msg { optional int32 n = 2; }`))).toEqual({
      ok: false,
      error: {
        code: "FAILED_PRECONDITION",
        field: "id",
        message: "field id (v.Msg.id) is required and was removed",
      },
    });
    expect(
      checkCompatible(
        v1,
        proto(`${P2}message Msg { required string id = 1; optional int32 n = 2; required bool f = 3; }`),
      ),
    ).toEqual({
      ok: false,
      error: {
        code: "FAILED_PRECONDITION",
        field: "f",
        message: "field f (v.Msg.f) is new and required; old payloads lack it",
      },
    });
    expect(
      checkCompatible(v1, proto(`${P2}message Msg { required string id = 1; required int32 n = 2; }`)),
    ).toEqual({
      ok: false,
      error: {
        code: "FAILED_PRECONDITION",
        field: "n",
        message: "field n (v.Msg.n) became required; payloads without it would be refused",
      },
    });
    expect(
      checkCompatible(v1, proto(`${P2}message Msg { optional string id = 1; optional int32 n = 2; }`)),
    ).toEqual({
      ok: true,
    });
  });

  it("compares .proto source with a descriptor set, but not protobuf with Thrift or two names", () => {
    const source = compileOk({ name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES });
    const set = compileOk({
      name: "demo.Everything",
      format: "proto-descriptor-set",
      descriptorSet: protocDescriptorSet(EVERYTHING_FILES),
    });
    expect(checkCompatible(source, set)).toEqual({ ok: true });
    const thrift = compileOk({
      name: "demo.Everything",
      format: "thrift-idl",
      files: [{ path: "demo.thrift", content: "struct Everything { 1: i32 a }" }],
    });
    expect(checkCompatible(source, thrift)).toEqual({
      ok: false,
      error: {
        code: "FAILED_PRECONDITION",
        field: "format",
        message: "schema language changed from proto-source to thrift-idl",
      },
    });
    const other = compileOk({ name: "demo.common.Point", format: "proto-source", files: EVERYTHING_FILES });
    expect(checkCompatible(source, other).ok).toBe(false);
  });
});

const BASE_IDL = `enum Level { LOW = 1, HIGH = 2 }
struct P { 1: required i32 x, 2: optional i32 y }
struct S { 1: required string id, 2: i32 n, 3: optional list<P> ps, 4: Level level, 5: map<string, P> byName }`;

describe("thrift compatibility", () => {
  const base = idl(BASE_IDL);

  it.each([
    ["a new optional field", BASE_IDL.replace("5: map", "6: optional bool flag, 5: map")],
    ["a new default-requiredness field", BASE_IDL.replace("5: map", "6: double d, 5: map")],
    ["a removed non-required field", BASE_IDL.replace("2: i32 n, ", "")],
    ["a renamed field", BASE_IDL.replace("2: i32 n", "2: i32 count")],
    ["required becoming optional", BASE_IDL.replace("1: required string id", "1: optional string id")],
    ["a new enum value", BASE_IDL.replace("HIGH = 2", "HIGH = 2, CRIT = 3")],
  ])("accepts %s", (_what, body) => {
    expect(checkCompatible(base, idl(body))).toEqual({ ok: true });
  });

  it.each([
    [
      "a changed type",
      BASE_IDL.replace("2: i32 n", "2: i64 n"),
      "n",
      "field n (S.n), id 2, changed type from i32 to i64",
    ],
    [
      "string to binary",
      BASE_IDL.replace("required string id", "required binary id"),
      "id",
      "field id (S.id), id 1, changed type from string to binary",
    ],
    ["a changed id", BASE_IDL.replace("2: i32 n", "7: i32 n"), "n", "field n (S.n) changed id from 2 to 7"],
    [
      "a removed required field",
      BASE_IDL.replace("1: required string id, ", ""),
      "id",
      "field id (S.id) is required and was removed",
    ],
    [
      "a new required field",
      BASE_IDL.replace("5: map", "6: required i32 z, 5: map"),
      "z",
      "field z (S.z) is new and required; old payloads lack it",
    ],
    [
      "a field becoming required",
      BASE_IDL.replace("2: i32 n", "2: required i32 n"),
      "n",
      "field n (S.n) became required; payloads without it would be refused",
    ],
    [
      "a changed type inside a list of structs",
      BASE_IDL.replace("1: required i32 x", "1: required i16 x"),
      "ps.x",
      "field ps.x (P.x), id 1, changed type from i32 to i16",
    ],
    [
      "set instead of list",
      BASE_IDL.replace("list<P>", "set<P>"),
      "ps",
      "field ps (S.ps), id 3, changed type from list<struct v.P> to set<struct v.P>",
    ],
    [
      "a renumbered enum value",
      BASE_IDL.replace("LOW = 1, HIGH = 2", "LOW = 1, HIGH = 5"),
      "level",
      "field level (S.level), id 4, has enum value Level.HIGH, which changed number from 2 to 5",
    ],
  ])("refuses %s, naming the field", (_what, body, field, message) => {
    expect(checkCompatible(base, idl(body))).toEqual({
      ok: false,
      error: { code: "FAILED_PRECONDITION", field, message },
    });
  });

  it("refuses a struct turning into a union", () => {
    const v1 = compileOk({ name: "demo.Event", format: "thrift-idl", files: EVENT_FILES });
    const files = [
      { ...EVENT_FILES[0]!, content: EVENT_FILES[0]!.content.replace("union Choice", "struct Choice") },
      EVENT_FILES[1]!,
    ];
    const v2 = compileOk({ name: "demo.Event", format: "thrift-idl", files });
    expect(checkCompatible(v1, v2)).toEqual({
      ok: false,
      error: { code: "FAILED_PRECONDITION", field: "choice", message: "choice changed from union to struct" },
    });
  });
});

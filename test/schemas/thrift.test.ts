import thrift from "thrift";
import { describe, expect, it } from "vitest";
import { compileSchema } from "../../src/schemas/index.js";
import {
  EVENT_FILES,
  EVENT_JSON,
  EVENT_THRIFT,
  SHARED_THRIFT,
  compileOk,
  errorOf,
  fromHex,
  hex,
} from "./fixtures.js";

const event = compileOk({ name: "demo.Event", format: "thrift-idl", files: EVENT_FILES });
const T = thrift.Thrift.Type;

/** Writes with the Apache Thrift library's own TBinaryProtocol: an oracle independent of the code under test. */
function viaLibrary(write: (p: thrift.TBinaryProtocol) => void): Uint8Array {
  let out: Buffer | undefined;
  const transport = new thrift.TBufferedTransport(undefined, (msg) => {
    out = msg as unknown as Buffer;
  });
  const protocol = new thrift.TBinaryProtocol(transport);
  write(protocol);
  transport.flush();
  return new Uint8Array(out!);
}

function i64(n: bigint): thrift.Int64 {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return new thrift.Int64(b);
}

function field(p: thrift.TBinaryProtocol, type: number, id: number, write: () => void): void {
  p.writeFieldBegin("", type, id);
  write();
  p.writeFieldEnd();
}

const librarySample = viaLibrary((p) => {
  p.writeStructBegin("Event");
  field(p, T.STRING, 1, () => p.writeString("e1"));
  field(p, T.BOOL, 2, () => p.writeBool(true));
  field(p, T.BYTE, 3, () => p.writeByte(-128));
  field(p, T.I16, 4, () => p.writeI16(-300));
  field(p, T.I32, 5, () => p.writeI32(2147483647));
  field(p, T.I64, 6, () => p.writeI64(i64(9223372036854775807n)));
  field(p, T.DOUBLE, 7, () => p.writeDouble(2.5));
  field(p, T.STRING, 8, () => p.writeBinary(Buffer.from([1, 2, 255])));
  field(p, T.I32, 9, () => p.writeI32(16));
  field(p, T.STRUCT, 10, () => {
    field(p, T.I32, 1, () => p.writeI32(1));
    field(p, T.I32, 2, () => p.writeI32(-2));
    p.writeFieldStop();
  });
  field(p, T.LIST, 11, () => {
    p.writeListBegin(T.STRUCT, 2);
    for (const [x, y] of [
      [0, 0],
      [3, 4],
    ]) {
      field(p, T.I32, 1, () => p.writeI32(x!));
      field(p, T.I32, 2, () => p.writeI32(y!));
      p.writeFieldStop();
    }
  });
  field(p, T.SET, 12, () => {
    p.writeSetBegin(T.STRING, 2);
    p.writeString("a");
    p.writeString("b");
  });
  field(p, T.MAP, 13, () => {
    p.writeMapBegin(T.STRING, T.I64, 1);
    p.writeString("k");
    p.writeI64(i64(-9007199254740993n));
  });
  field(p, T.MAP, 14, () => {
    p.writeMapBegin(T.I32, T.LIST, 1);
    p.writeI32(3);
    p.writeListBegin(T.STRING, 2);
    p.writeString("x");
    p.writeString("y");
  });
  field(p, T.STRUCT, 15, () => {
    field(p, T.I64, 2, () => p.writeI64(i64(-12n)));
    p.writeFieldStop();
  });
  field(p, T.BYTE, 16, () => p.writeByte(127));
  field(p, T.STRUCT, 17, () => {
    field(p, T.STRING, 1, () => p.writeString("root"));
    p.writeFieldStop();
  });
  p.writeFieldStop();
});

describe("thrift schemas", () => {
  it("decodes the Thrift library's binary protocol for every base type, container, enum and nesting", () => {
    expect(event.validate(librarySample)).toEqual({ ok: true });
    expect(event.toJson(librarySample)).toEqual({ ok: true, json: JSON.stringify(EVENT_JSON) });
  });

  it("encodes JSON to the same bytes the library writes, and round-trips", () => {
    const r = event.fromJson(JSON.stringify(EVENT_JSON));
    if (!r.ok) expect.fail(JSON.stringify(r.error));
    expect(hex(r.payload)).toBe(hex(librarySample));
    expect(event.toJson(r.payload)).toEqual({ ok: true, json: JSON.stringify(EVENT_JSON) });
  });

  it("renders a canonical form with typedefs resolved and types numbered from the root", () => {
    expect(event.canonical).toBe(
      [
        "hearsay-schema 1",
        "format thrift",
        "struct #0 Event",
        "  field 1 id required string",
        "  field 2 flag optional bool",
        "  field 3 b default byte",
        "  field 4 s default i16",
        "  field 5 n default i32",
        "  field 6 at default i64",
        "  field 7 d default double",
        "  field 8 raw default binary",
        "  field 9 level default enum#1",
        "  field 10 where default struct#2",
        "  field 11 path default list<struct#2>",
        "  field 12 tags default set<string>",
        "  field 13 counts default map<string,i64>",
        "  field 14 byNum default map<i32,list<string>>",
        "  field 15 choice optional struct#3",
        "  field 16 tiny default byte",
        "  field 17 parent optional struct#0",
        "enum #1 Level",
        "  value 1 LOW",
        "  value 2 HIGH",
        "  value 16 CRIT",
        "struct #2 Point",
        "  field 1 x required i32",
        "  field 2 y required i32",
        "union #3 Choice",
        "  field 1 text optional string",
        "  field 2 number optional i64",
        "",
      ].join("\n"),
    );
  });

  it("keeps the fingerprint across file names, order, comments and typedef spelling", () => {
    const moved = compileOk({
      name: "demo.Event",
      format: "thrift-idl",
      files: [
        {
          path: "x/event.thrift",
          content: `// moved\n${EVENT_THRIFT.replace('include "shared.thrift"', 'include "geo.thrift"')
            .replace(/shared\./g, "geo.")
            .replace("6: Millis at", "6: i64 at")}`,
        },
        { path: "lib/geo.thrift", content: `\n\n${SHARED_THRIFT}` },
      ],
    });
    expect(moved.fingerprint).toBe(event.fingerprint);
    const changed = compileOk({
      name: "demo.Event",
      format: "thrift-idl",
      files: [
        EVENT_FILES[0]!,
        { path: "demo/shared.thrift", content: SHARED_THRIFT.replace("2: required", "2: optional") },
      ],
    });
    expect(changed.fingerprint).not.toBe(event.fingerprint);
  });

  it("finds the struct by file scope, by namespace or by bare name in the first file", () => {
    for (const name of ["event.Event", "demo.Event", "dev.demo.Event", "Event"]) {
      const r = compileSchema({ name, format: "thrift-idl", files: EVENT_FILES });
      expect(r.ok && r.type.fingerprint).toBe(event.fingerprint);
    }
    const point = compileOk({ name: "shared.Point", format: "thrift-idl", files: EVENT_FILES });
    expect(point.toJson(fromHex("08000100000001 08000200000002 00"))).toEqual({
      ok: true,
      json: '{"x":1,"y":2}',
    });
  });

  it("refuses a payload missing a required field, naming it", () => {
    // Event with only field 2 (flag) set.
    expect(errorOf(event.validate(fromHex("02000201 00")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "id",
      message: "required field id (id 1) is missing",
    });
    // where = Point{x} without y.
    expect(errorOf(event.validate(fromHex("0b0001 00000000 0c000a 0800010000000100 00")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "where.y",
      message: "required field where.y (id 2) is missing",
    });
    expect(errorOf(event.fromJson('{"where":{"x":1,"y":2}}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "id",
      message: "required field id is missing",
    });
  });

  it("enforces one field per union and reads enums by name or number", () => {
    expect(errorOf(event.fromJson('{"id":"a","choice":{"text":"t","number":"1"}}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "choice",
      message: "union Choice needs exactly one field, got 2",
    });
    // choice with both fields on the wire.
    const both = fromHex("0b000100000000 0c000f 0b000100000000 0a00020000000000000001 00 00");
    expect(errorOf(event.validate(both)).message).toBe("union Choice has 2 fields set; at most one may be");
    const r = event.fromJson('{"id":"a","level":2}');
    expect(r.ok && event.toJson(r.payload)).toEqual({ ok: true, json: '{"id":"a","level":"HIGH"}' });
    const unknown = event.fromJson('{"id":"a","level":99}');
    expect(unknown.ok && event.toJson(unknown.payload)).toEqual({ ok: true, json: '{"id":"a","level":99}' });
    expect(errorOf(event.fromJson('{"id":"a","level":"NOPE"}')).message).toBe(
      '"NOPE" is not a value of enum Level',
    );
  });

  it("skips unknown fields of every type but checks they are well-formed", () => {
    // id "", then unknown 99: list<map<string,i32>> with one entry, unknown 100: struct {1: i64}.
    const payload = fromHex(
      "0b000100000000 0f0063 0d00000001 0b08 00000001 00000001 61 00000007 0c0064 0a0001 0000000000000001 00 00",
    );
    expect(event.toJson(payload)).toEqual({ ok: true, json: '{"id":""}' });
    const bad = fromHex("0b000100000000 0f0063 0d00000001 0b08 00000001 00000001 61 000000 00");
    expect(errorOf(event.validate(bad)).code).toBe("INVALID_ARGUMENT");
  });

  it("maps non-string map keys as pairs, doubles and uuids", () => {
    const idl = compileOk({
      name: "M",
      format: "thrift-idl",
      files: [
        {
          path: "m.thrift",
          content: `enum E { A, B }
struct K { 1: i32 k }
struct M { 1: map<E, double> byEnum, 2: map<K, bool> byStruct, 3: uuid u, 4: list<set<i16>> nested }`,
        },
      ],
    });
    const doc = {
      byEnum: [
        ["B", "NaN"],
        ["A", -0.5],
      ],
      byStruct: [[{ k: 1 }, true]],
      u: "00112233-4455-6677-8899-aabbccddeeff",
      nested: [[1, -2], []],
    };
    const r = idl.fromJson(JSON.stringify(doc));
    if (!r.ok) expect.fail(JSON.stringify(r.error));
    expect(idl.toJson(r.payload)).toEqual({ ok: true, json: JSON.stringify(doc) });
    expect(hex(r.payload).slice(0, 18)).toBe("0d0001080400000002");
  });
});

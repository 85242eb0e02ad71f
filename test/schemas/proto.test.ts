import { describe, expect, it } from "vitest";
import { compileSchema } from "../../src/schemas/index.js";
import {
  COMMON_PROTO,
  EVERYTHING_FILES,
  EVERYTHING_JSON,
  EVERYTHING_PROTO,
  EVERYTHING_TEXT,
  compileOk,
  errorOf,
  fromHex,
  hex,
  protocDecode,
  protocDescriptorSet,
  protocEncode,
} from "./fixtures.js";

const fromSource = compileOk({ name: "demo.Everything", format: "proto-source", files: EVERYTHING_FILES });
const fromSet = compileOk({
  name: "demo.Everything",
  format: "proto-descriptor-set",
  descriptorSet: protocDescriptorSet(EVERYTHING_FILES),
});
const oracle = protocEncode(EVERYTHING_FILES, "demo.Everything", EVERYTHING_TEXT);

function json(t: typeof fromSource, payload: Uint8Array): unknown {
  const r = t.toJson(payload);
  if (!r.ok) expect.fail(JSON.stringify(r.error));
  return JSON.parse(r.json);
}

function encode(t: typeof fromSource, doc: unknown): Uint8Array {
  const r = t.fromJson(JSON.stringify(doc));
  if (!r.ok) expect.fail(JSON.stringify(r.error));
  return r.payload;
}

describe("protobuf schemas", () => {
  it("gives .proto source and protoc's descriptor set of it the same canonical form and fingerprint", () => {
    expect(fromSource.format).toBe("proto-source");
    expect(fromSet.format).toBe("proto-descriptor-set");
    expect(fromSet.canonical).toBe(fromSource.canonical);
    expect(fromSet.fingerprint).toBe(fromSource.fingerprint);
    expect(fromSource.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fromSource.canonical).toContain(
      "field 22 m_points json=mPoints repeated presence=implicit map<int32,message:demo.common.Point>",
    );
    expect(fromSource.canonical).toContain("field 25 maybe json=maybe optional presence=explicit int32");
    expect(fromSource.canonical).toContain(
      "field 24 c_point json=cPoint optional presence=explicit oneof=choice",
    );
    // Only what the root reaches: Timestamp yes, Color yes; nothing else of the files.
    expect(fromSource.canonical.match(/^(message|enum) .*$/gm)).toEqual([
      "message demo.Everything",
      "message demo.common.Point",
      "message google.protobuf.Timestamp",
      "enum demo.Color",
    ]);
  });

  it("keeps the fingerprint across file order, whitespace and comments, and changes it with the schema", () => {
    const reformatted = EVERYTHING_PROTO.replace(/\n {2}/g, "\n\n      // note\n  ").replace(/ = /g, "=");
    const again = compileOk({
      name: "demo.Everything",
      format: "proto-source",
      files: [
        { path: "demo/common.proto", content: `/* leading */\n${COMMON_PROTO}` },
        { path: "./demo/everything.proto", content: reformatted },
      ],
    });
    expect(again.fingerprint).toBe(fromSource.fingerprint);
    const renamed = compileOk({
      name: "demo.Everything",
      format: "proto-source",
      files: [
        EVERYTHING_FILES[0]!,
        { path: "demo/common.proto", content: COMMON_PROTO.replace("label", "name") },
      ],
    });
    expect(renamed.fingerprint).not.toBe(fromSource.fingerprint);
  });

  it("validates protoc's encoding of every kind and renders exact proto3 JSON from both forms", () => {
    expect(fromSource.validate(oracle)).toEqual({ ok: true });
    expect(fromSet.validate(oracle)).toEqual({ ok: true });
    const expected = JSON.stringify(EVERYTHING_JSON);
    expect(fromSource.toJson(oracle)).toEqual({ ok: true, json: expected });
    expect(fromSet.toJson(oracle)).toEqual({ ok: true, json: expected });
  });

  it("encodes JSON to the same bytes protoc writes", () => {
    expect(hex(encode(fromSource, EVERYTHING_JSON))).toBe(hex(oracle));
    expect(hex(encode(fromSet, EVERYTHING_JSON))).toBe(hex(oracle));
  });

  it("round-trips 64-bit values above 2^53 exactly, checked by protoc", () => {
    const doc = {
      fInt64: "-9223372036854775808",
      fUint64: "18446744073709551615",
      fSint64: "9223372036854775807",
      fFixed64: "18446744073709551614",
      fSfixed64: "-9007199254740993",
      rInt64: ["9007199254740993", "-9007199254740995"],
      mCounts: { big: "9223372036854775806" },
    };
    const payload = encode(fromSource, doc);
    expect(json(fromSource, payload)).toEqual(doc);
    const text = protocDecode(EVERYTHING_FILES, "demo.Everything", payload);
    expect(text).toContain("f_int64: -9223372036854775808");
    expect(text).toContain("f_uint64: 18446744073709551615");
    expect(text).toContain("f_sint64: 9223372036854775807");
    expect(text).toContain("f_fixed64: 18446744073709551614");
    expect(text).toContain("f_sfixed64: -9007199254740993");
    expect(text).toContain("r_int64: 9007199254740993");
    expect(text).toContain("value: 9223372036854775806");
  });

  it("reads declared names, numbers for enums and numeric strings, and writes canonical JSON", () => {
    const payload = encode(fromSource, {
      f_int32: "5",
      fInt64: 7,
      color: 2,
      f_float: "Infinity",
      fDouble: "NaN",
      r_colors: ["RED", 7],
      m_counts: { a: 1 },
      fBool: false,
      fBytes: "-_8", // URL-safe, unpadded
    });
    expect(json(fromSource, payload)).toEqual({
      fDouble: "NaN",
      fFloat: "Infinity",
      fInt32: 5,
      fInt64: "7",
      fBytes: "+/8=",
      color: "GREEN",
      mCounts: { a: "1" },
      rColors: ["RED", 7],
    });
  });

  it("lets the last oneof member on the wire win and refuses two members in JSON", () => {
    // c_text "a" (23), then c_point {x: 1} (24): the point wins.
    const payload = fromHex("ba01 0161 c201 020802");
    expect(json(fromSource, payload)).toEqual({ cPoint: { x: 1 } });
    const r = fromSource.fromJson(JSON.stringify({ cText: "a", cPoint: {} }));
    expect(errorOf(r)).toEqual({
      code: "INVALID_ARGUMENT",
      field: "cPoint",
      message: "fields c_text and c_point are both members of oneof choice",
    });
  });

  it("accepts packed and unpacked repeated scalars and skips unknown fields", () => {
    // r_int64 unpacked: 1, 2; unknown field 99 varint 5; unknown field 100 length-delimited "zz".
    const payload = fromHex("9001 01 9001 02 9806 05 a206 027a7a");
    expect(fromSource.validate(payload)).toEqual({ ok: true });
    expect(json(fromSource, payload)).toEqual({ rInt64: ["1", "2"] });
    // Map entry without key and value: both default.
    expect(json(fromSource, fromHex("aa01 00"))).toEqual({ mCounts: { "": "0" } });
  });

  it("renders and reads the well-known types as proto3 JSON, bytes agreeing with protoc", () => {
    const files = [
      {
        path: "wkt.proto",
        content: `syntax = "proto3";
package wkt;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message Holder {
  google.protobuf.Duration d = 1;
  google.protobuf.Struct s = 2;
  google.protobuf.Value v = 3;
  google.protobuf.ListValue l = 4;
  google.protobuf.Int64Value i64 = 5;
  google.protobuf.StringValue str = 6;
  google.protobuf.FieldMask mask = 7;
  google.protobuf.Any any = 8;
  google.protobuf.Empty e = 9;
  google.protobuf.Timestamp t = 10;
  google.protobuf.BytesValue b = 11;
  google.protobuf.Any any_wkt = 12;
  google.protobuf.FloatValue f = 13;
}
message Inner { string name = 1; int64 big = 2; }
`,
      },
    ];
    const holder = compileOk({ name: "wkt.Holder", format: "proto-source", files });
    const doc = {
      d: "-1.500s",
      s: { k: [1, "two", true, null, { deep: [] }] },
      v: "plain",
      l: [null, 2.5],
      i64: "9007199254740993",
      str: "",
      mask: "user.displayName,photo",
      any: { "@type": "type.googleapis.com/wkt.Inner", name: "x", big: "-5" },
      e: {},
      t: "1969-12-31T23:59:59.999999999Z",
      b: "AAE=",
      anyWkt: { "@type": "type.googleapis.com/google.protobuf.Duration", value: "3s" },
      f: 0.1,
    };
    const payload = encode(holder, doc);
    expect(json(holder, payload)).toEqual(doc);
    const text = `d { seconds: -1 nanos: -500000000 }
i64 { value: 9007199254740993 }
mask { paths: "user.display_name" paths: "photo" }
any { [type.googleapis.com/wkt.Inner] { name: "x" big: -5 } }
t { seconds: -1 nanos: 999999999 }`;
    const partial = encode(holder, {
      d: doc.d,
      i64: doc.i64,
      mask: doc.mask,
      any: doc.any,
      t: doc.t,
    });
    expect(hex(partial)).toBe(hex(protocEncode(files, "wkt.Holder", text)));
    // Offsets are folded into UTC.
    const shifted = encode(holder, { t: "2024-02-29T12:00:00.5+02:00" });
    expect(json(holder, shifted)).toEqual({ t: "2024-02-29T10:00:00.500Z" });
    expect(errorOf(holder.fromJson('{"t":"2023-02-29T00:00:00Z"}')).field).toBe("t");
    expect(errorOf(holder.fromJson('{"d":"1.5"}')).message).toBe(
      'expected a duration like "1.5s", got "1.5"',
    );
  });

  it("enforces proto2 required fields and explicit presence", () => {
    const files = [
      {
        path: "p2.proto",
        content: `syntax = "proto2";
package p2;
message Order {
  required string id = 1;
  optional int32 qty = 2;
  repeated int32 lines = 3;
  optional Item item = 4;
}
message Item { required int64 sku = 1; optional string note = 2 [json_name = "remark"]; }
`,
      },
    ];
    const order = compileOk({ name: "p2.Order", format: "proto-source", files });
    const viaSet = compileOk({
      name: "p2.Order",
      format: "proto-descriptor-set",
      descriptorSet: protocDescriptorSet(files),
    });
    expect(viaSet.fingerprint).toBe(order.fingerprint);
    const payload = encode(order, { id: "o1", qty: 0, lines: [1, 2], item: { sku: "1", remark: "r" } });
    // proto2 repeated is unpacked, and qty = 0 is written because it has presence.
    expect(hex(payload)).toBe(
      hex(protocEncode(files, "p2.Order", 'id: "o1" qty: 0 lines: 1 lines: 2 item { sku: 1 note: "r" }')),
    );
    expect(json(order, payload)).toEqual({
      id: "o1",
      qty: 0,
      lines: [1, 2],
      item: { sku: "1", remark: "r" },
    });
    expect(errorOf(order.validate(fromHex("1001")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "id",
      message: "required field id (number 1) is missing",
    });
    expect(errorOf(order.validate(fromHex("0a0161 2200")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "item.sku",
      message: "required field item.sku (number 1) is missing",
    });
    expect(errorOf(order.fromJson('{"qty":1}'))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "id",
      message: "required field id is missing",
    });
  });

  it("compiles nested root types, custom options and a descriptor set without its well-known imports", () => {
    const files = [
      {
        path: "opts.proto",
        content: `syntax = "proto3";
package o;
import "google/protobuf/descriptor.proto";
import "google/protobuf/timestamp.proto";
extend google.protobuf.FieldOptions { string unit = 50001; }
message Outer {
  message Inner { int32 ms = 1 [(unit) = "ms"]; google.protobuf.Timestamp at = 2; }
  Inner inner = 1;
}
`,
      },
    ];
    const inner = compileOk({ name: "o.Outer.Inner", format: "proto-source", files });
    expect(json(inner, fromHex("0805"))).toEqual({ ms: 5 });
    // Without --include_imports the set lacks timestamp.proto; the built-in definition fills in.
    const set = protocDescriptorSet(
      [
        {
          path: "t.proto",
          content:
            'syntax = "proto3"; package t; import "google/protobuf/timestamp.proto"; message T { google.protobuf.Timestamp at = 1; }',
        },
      ],
      false,
    );
    const full = compileOk({ name: "t.T", format: "proto-descriptor-set", descriptorSet: set });
    expect(full.canonical).toContain("message google.protobuf.Timestamp");
  });

  it("uses a sent copy of a well-known file instead of the built-in one, with the same fingerprint", () => {
    const timestamp =
      'syntax = "proto3";\npackage google.protobuf;\n// sent by the client\nmessage Timestamp { int64 seconds = 1; int32 nanos = 2; }\n';
    const withCopy = compileOk({
      name: "demo.Everything",
      format: "proto-source",
      files: [...EVERYTHING_FILES, { path: "google/protobuf/timestamp.proto", content: timestamp }],
    });
    expect(withCopy.fingerprint).toBe(fromSource.fingerprint);
  });

  it("renders an Any of a type the schema lacks as base64 and reads it back", () => {
    const files = [
      {
        path: "a.proto",
        content:
          'syntax = "proto3"; package a; import "google/protobuf/any.proto"; import "google/protobuf/struct.proto"; message A { google.protobuf.Any x = 1; google.protobuf.Value v = 2; }',
      },
    ];
    const a = compileOk({ name: "a.A", format: "proto-source", files });
    const doc = { x: { "@type": "type.googleapis.com/other.Thing", value: "CAE=" } };
    expect(json(a, encode(a, doc))).toEqual(doc);
    // Value.number_value = NaN has no JSON form.
    expect(errorOf(a.toJson(fromHex("1209 11 000000000000f87f")))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "v",
      message: "google.protobuf.Value holds NaN or Infinity, which JSON cannot",
    });
  });

  it("accepts a leading dot in the type name", () => {
    const r = compileSchema({ name: ".demo.common.Point", format: "proto-source", files: EVERYTHING_FILES });
    expect(r.ok && r.type.name).toBe("demo.common.Point");
  });
});

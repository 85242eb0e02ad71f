import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  bufCodec,
  cursorFromJson,
  cursorToJson,
  descriptorSet,
  errorFromCode,
  fromGrpcError,
  HearsayError,
  Internal,
  InvalidArgument,
  isRetryable,
  NotFound,
  tsProtoCodec,
  Unavailable,
} from "../../src/sdk/index.js";
import { CursorState, toNewDigest } from "../../src/sdk/internal.js";
import { bufDescriptor, bufGreeting, EVENT_FILES } from "./fixtures.js";

describe("SDK building blocks (no gateway)", () => {
  it("backoff doubles from 100 ms to 5 s, jittered into [d/2, d]", () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelayMs(a, {}, () => 1))).toEqual([100, 200, 400, 800, 5_000]);
    expect(backoffDelayMs(0, {}, () => 0)).toBe(50);
    expect(backoffDelayMs(100, { initialDelayMs: 10, maxDelayMs: 40 }, () => 1)).toBe(40);
  });

  it("cursors move forward only, and round-trip through proto3 JSON with 64-bit sequences", () => {
    const s = new CursorState();
    s.advance("n1", "a.T", 7n, 5n);
    s.advance("n1", "a.T", 7n, 3n);
    s.advance("n2", "a.T", 1n, 2n ** 63n);
    s.merge({ positions: [{ origin: "n1", type: "b.T", epoch: 7n, sequence: 1n }] });
    // A newer epoch moves the cursor on even with a lower sequence; an older one does not.
    s.advance("n1", "b.T", 9n, 1n);
    s.advance("n1", "b.T", 8n, 50n);
    const c = s.snapshot();
    expect(c.positions).toEqual([
      { origin: "n1", type: "a.T", epoch: 7n, sequence: 5n },
      { origin: "n2", type: "a.T", epoch: 1n, sequence: 2n ** 63n },
      { origin: "n1", type: "b.T", epoch: 9n, sequence: 1n },
    ]);
    expect(cursorToJson(c)).toContain('"sequence":"9223372036854775808"');
    expect(cursorFromJson(cursorToJson(c))).toEqual(c);
    expect(() => cursorFromJson('{"positions":[{"origin":"n1","type":"a.T","sequence":"-1"}]}')).toThrow(
      /sequence/,
    );
  });

  it("builds NewDigests from bytes, JSON and codec messages; refuses the rest", () => {
    expect(toNewDigest("a.T", new Uint8Array([1])).body).toEqual({
      $case: "payload",
      payload: Buffer.from([1]),
    });
    expect(toNewDigest("a.T", { json: { x: 1 } }).body).toEqual({ $case: "json", json: '{"x":1}' });
    const codec = {
      typeName: "a.T",
      encode: (m: number) => new Uint8Array([m]),
      decode: (b: Uint8Array) => b[0]!,
    };
    expect(toNewDigest(codec, 7, { headers: { h: "v" } })).toMatchObject({
      type: "a.T",
      headers: { h: "v" },
    });
    expect(() => toNewDigest("a.T", 7 as never)).toThrow(InvalidArgument);
    expect(() =>
      tsProtoCodec({ encode: () => ({ finish: () => new Uint8Array() }), decode: () => 0 }),
    ).toThrow(/type name/);
  });

  it("a bufbuild descriptor becomes a FileDescriptorSet with its imports first", () => {
    const desc = bufGreeting();
    const set = fromBinary(FileDescriptorSetSchema, descriptorSet(desc));
    expect(set.file.map((f) => f.name)).toEqual(["greeting.proto"]);
    expect(bufCodec(desc).typeName).toBe("demo.Greeting");
    const event = bufDescriptor(EVENT_FILES, "sdk.Event");
    const files = fromBinary(FileDescriptorSetSchema, descriptorSet(event)).file.map((f) => f.name);
    expect(files).toEqual(["google/protobuf/timestamp.proto", "sdk/common.proto", "sdk/event.proto"]);
  });

  it("maps codes to classes and says which failures are worth a retry", () => {
    expect(errorFromCode(5, "x")).toBeInstanceOf(NotFound);
    expect(isRetryable(errorFromCode(14, "down"))).toBe(true);
    expect(isRetryable(errorFromCode(5, "gone"))).toBe(false);
    expect(isRetryable(errorFromCode(7, "no"))).toBe(false);
  });

  it("each class fixes its code; a gRPC error becomes its class with the ServiceError as cause", () => {
    const down = new Unavailable("gateway gone");
    expect(down).toMatchObject({ code: 14, codeName: "UNAVAILABLE", message: "gateway gone" });
    expect(down).toBeInstanceOf(HearsayError);
    const status = Object.assign(new Error("5 NOT_FOUND: x"), { code: 5, details: "x" });
    const e = fromGrpcError(status);
    expect(e).toBeInstanceOf(NotFound);
    expect(e.message).toBe("x");
    expect(e.cause).toBe(status);
    expect(fromGrpcError(e)).toBe(e);
    // UNKNOWN (a broken stream) is Internal and retried; ABORTED is Internal and not, as before.
    const unknown = fromGrpcError({ code: 2, details: "stream broke" });
    expect(unknown).toBeInstanceOf(Internal);
    expect(isRetryable(unknown)).toBe(true);
    expect(isRetryable(fromGrpcError({ code: 10, details: "aborted" }))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { Bus, type BusDeps } from "../../src/bus/index.js";
import { lanConfig, Overlay, type OverlayDeps } from "../../src/overlay/index.js";
import {
  atIndex,
  atItem,
  asHearsayError,
  ConfigError,
  codeName,
  ErrorCode,
  errorFromCode,
  fail,
  FailedPrecondition,
  fromProblem,
  HearsayError,
  Internal,
  InvalidArgument,
  NotFound,
  type ProblemCode,
} from "../../src/errors/index.js";

/** Every shared code but the two placeholders the generator adds. */
const CODES = Object.values(ErrorCode).filter(
  (c): c is ErrorCode =>
    typeof c === "number" && c !== ErrorCode.ERROR_CODE_UNSPECIFIED && c !== ErrorCode.UNRECOGNIZED,
);

describe("one class per ErrorCode", () => {
  it.each(CODES)("code %i maps to its class and back", (code) => {
    const e = errorFromCode(code, "boom");
    expect(e).toBeInstanceOf(HearsayError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe(code);
    expect(e.codeName).toBe(ErrorCode[code]!.replace("ERROR_CODE_", ""));
    // The class name is the code name in PascalCase, and the class fixes the code.
    expect(e.name).toBe(
      e.codeName.toLowerCase().replace(/(^|_)(.)/g, (_m, _u, c: string) => c.toUpperCase()),
    );
    const again = new (e.constructor as new (m: string) => HearsayError)("again");
    expect(again.code).toBe(code);
    expect(again.message).toBe("again");
  });

  it("a code outside the shared list is Internal; its name says the number", () => {
    expect(errorFromCode(2, "unknown")).toBeInstanceOf(Internal);
    expect(errorFromCode(2, "unknown").code).toBe(ErrorCode.ERROR_CODE_INTERNAL);
    expect(codeName(2)).toBe("CODE_2");
    expect(codeName(5)).toBe("NOT_FOUND");
  });

  it("carries cause (the standard Error option), field and index", () => {
    const cause = new Error("grpc");
    const e = new NotFound("gone", { cause, field: "name", index: 3 });
    expect(e.cause).toBe(cause);
    expect(e).toMatchObject({ field: "name", index: 3, message: "gone" });
    expect(errorFromCode(5, "x", cause).cause).toBe(cause);
    expect(new NotFound("plain")).not.toHaveProperty("field");
    expect("cause" in new NotFound("plain")).toBe(false);
  });

  it("at(field, problem) names the field first", () => {
    const e = InvalidArgument.at("digest.type", "required");
    expect(e).toBeInstanceOf(InvalidArgument);
    expect(e.message).toBe("digest.type: required");
    expect(e.field).toBe("digest.type");
  });
});

describe("fromProblem", () => {
  it.each<[ProblemCode, ErrorCode]>([
    ["INVALID_ARGUMENT", ErrorCode.ERROR_CODE_INVALID_ARGUMENT],
    ["NOT_FOUND", ErrorCode.ERROR_CODE_NOT_FOUND],
    ["ALREADY_EXISTS", ErrorCode.ERROR_CODE_ALREADY_EXISTS],
    ["PERMISSION_DENIED", ErrorCode.ERROR_CODE_PERMISSION_DENIED],
    ["RESOURCE_EXHAUSTED", ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED],
    ["FAILED_PRECONDITION", ErrorCode.ERROR_CODE_FAILED_PRECONDITION],
    ["UNAVAILABLE", ErrorCode.ERROR_CODE_UNAVAILABLE],
    ["INTERNAL", ErrorCode.ERROR_CODE_INTERNAL],
  ])("%s becomes code %i", (name, code) => {
    expect(fromProblem({ code: name, message: "m" }).code).toBe(code);
  });

  it("keeps field, index and cause; the message names the field first", () => {
    const cause = { why: "lower" };
    const e = fromProblem(atIndex(fail("FAILED_PRECONDITION", "changed type", "text"), 4).error, cause);
    expect(e).toBeInstanceOf(FailedPrecondition);
    expect(e).toMatchObject({ message: "text: changed type", field: "text", index: 4 });
    expect(e.cause).toBe(cause);
    expect(fromProblem({ code: "RESOURCE_EXHAUSTED", message: "payload: too big" }).message).toBe(
      "payload: too big",
    );
  });
});

describe("atItem and asHearsayError", () => {
  it("atItem places an error at a batch index, same class, message and cause", () => {
    const cause = new Error("c");
    const e = atItem(new NotFound("digests[2].type: unknown", { field: "digests[2].type", cause }), 2);
    expect(e).toBeInstanceOf(NotFound);
    expect(e).toMatchObject({ message: "digests[2].type: unknown", field: "digests[2].type", index: 2 });
    expect((e as NotFound).cause).toBe(cause);
    const bug = new TypeError("x");
    expect(atItem(bug, 1)).toBe(bug);
  });

  it("anything that is not a HearsayError is INTERNAL, text kept", () => {
    const bug = new TypeError("x is undefined");
    const e = asHearsayError(bug);
    expect(e).toBeInstanceOf(Internal);
    expect(e.message).toBe("internal error: x is undefined");
    expect(e.cause).toBe(bug);
    const known = new NotFound("n");
    expect(asHearsayError(known)).toBe(known);
  });
});

describe("ConfigError", () => {
  it("is INVALID_ARGUMENT listing every problem", () => {
    const problems = [
      { field: "probeTimeoutMs", problem: "must be < probeIntervalMs" },
      { field: "name", problem: "1..128 bytes" },
    ];
    const e = new ConfigError("overlay config", problems);
    expect(e).toBeInstanceOf(InvalidArgument);
    expect(e.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(e.name).toBe("ConfigError");
    expect(e.problems).toEqual(problems);
    expect(e.message).toBe("overlay config: probeTimeoutMs must be < probeIntervalMs; name 1..128 bytes");
  });

  it("is what the overlay and the bus throw for a bad config (checked before any I/O)", () => {
    const overlay = () => new Overlay(lanConfig("n1", { probeTimeoutMs: 0, name: "" }), {} as OverlayDeps);
    expect(overlay).toThrow(ConfigError);
    expect(overlay).toThrow("overlay config: probeTimeoutMs must be > 0; name 1..128 bytes");
    const bus = () => new Bus({} as BusDeps, { maxStreams: 0 });
    expect(bus).toThrow(ConfigError);
    expect(bus).toThrow("bus config: maxStreams must be > 0");
  });
});

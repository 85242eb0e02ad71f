import type { CompiledType } from "./compiled-type.js";
import { checkProtoCompatible } from "./proto/compatible.js";
import { fail, type Check } from "../errors/index.js";
import { checkThriftCompatible } from "./thrift/compatible.js";

/**
 * Whether `newer` may replace `older` as the schema of a registered type: ok, or
 * FAILED_PRECONDITION naming the offending field. .proto source and descriptor sets are the same
 * language and compare with each other; protobuf and Thrift do not.
 */
export function checkCompatible(older: CompiledType, newer: CompiledType): Check {
  if (older.name !== newer.name) {
    return fail("FAILED_PRECONDITION", `type ${newer.name} cannot replace type ${older.name}`, "name");
  }
  const o = older.model;
  const n = newer.model;
  if (o.kind === "proto" && n.kind === "proto") return checkProtoCompatible(o, n);
  if (o.kind === "thrift" && n.kind === "thrift") return checkThriftCompatible(o, n);
  return fail(
    "FAILED_PRECONDITION",
    `schema language changed from ${older.format} to ${newer.format}`,
    "format",
  );
}

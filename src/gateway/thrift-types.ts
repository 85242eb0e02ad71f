import { createRequire } from "node:module";
import type { RegisterDigestTypeRequest } from "../gen/proto/hearsay/v1/gateway.js";
import type { DigestType, Member, SourceFile } from "../gen/proto/hearsay/v1/types.js";
import { ApiError } from "./errors.js";
import { toThriftI64 } from "./thrift-i64.js";

// Thrift's Node generator emits CommonJS; load it natively (see scripts/gen/ts.sh).
const require = createRequire(import.meta.url);
export const ttypes = require("../gen/thrift/hearsay_types.js") as Record<
  string,
  new (args?: object) => object
>;

/** Conversions between the Thrift API's structs and the gRPC API's messages, which the core speaks. */

export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");

function files(v: unknown, field: string): SourceFile[] {
  if (!Array.isArray(v)) throw ApiError.invalidArgument(field, "expected a list of files");
  return v.map((f, i) => {
    const o = (f ?? {}) as { path?: unknown; content?: unknown };
    if (typeof o.path !== "string" || typeof o.content !== "string") {
      throw ApiError.invalidArgument(`${field}[${i}]`, "path and content are required");
    }
    return { path: o.path, content: o.content };
  });
}

/** Thrift RegisterDigestTypeRequest -> the gRPC request; the union must have exactly one field set. */
export function registerFromThrift(req: unknown): RegisterDigestTypeRequest {
  const r = (req ?? {}) as Record<string, unknown>;
  const schema = (r.schema ?? {}) as Record<string, unknown>;
  const set = ["protoSource", "protoDescriptorSet", "thriftIdl"].filter((k) => schema[k] != null);
  if (set.length !== 1) {
    throw ApiError.invalidArgument("schema", "set exactly one of protoSource, protoDescriptorSet, thriftIdl");
  }
  let source: NonNullable<NonNullable<RegisterDigestTypeRequest["schema"]>["source"]>;
  if (set[0] === "protoSource") {
    source = {
      $case: "protoSource",
      protoSource: { files: files(schema.protoSource, "schema.protoSource") },
    };
  } else if (set[0] === "thriftIdl") {
    source = { $case: "thriftIdl", thriftIdl: { files: files(schema.thriftIdl, "schema.thriftIdl") } };
  } else {
    const b = schema.protoDescriptorSet;
    if (!Buffer.isBuffer(b)) throw ApiError.invalidArgument("schema.protoDescriptorSet", "expected bytes");
    source = { $case: "protoDescriptorSet", protoDescriptorSet: b };
  }
  return {
    overlay: str(r.overlay),
    name: str(r.name),
    schema: { source },
    skipPayloadValidation: r.skipPayloadValidation === true,
    description: str(r.description),
  };
}

export function digestTypeToThrift(t: DigestType): object {
  const s = t.schema?.source;
  const schema =
    s?.$case === "protoSource"
      ? { protoSource: s.protoSource.files.map((f) => new ttypes.SourceFile!(f)) }
      : s?.$case === "thriftIdl"
        ? { thriftIdl: s.thriftIdl.files.map((f) => new ttypes.SourceFile!(f)) }
        : { protoDescriptorSet: s?.protoDescriptorSet ?? Buffer.alloc(0) };
  return new ttypes.DigestType!({
    name: t.name,
    version: toThriftI64(t.version),
    format: t.format,
    schema: new ttypes.Schema!(schema),
    skipPayloadValidation: t.skipPayloadValidation,
    description: t.description,
    registeredBy: t.registeredBy,
    registeredAtMs: toThriftI64(t.registeredAtMs),
    fingerprint: t.fingerprint,
  });
}

export function memberToThrift(m: Member): object {
  return new ttypes.Member!({
    name: m.name,
    address: m.address,
    status: m.status,
    incarnation: toThriftI64(m.incarnation),
    tags: m.tags,
    statusSinceMs: toThriftI64(m.statusSinceMs),
    protocolVersion: m.protocolVersion,
    subscribedTypes: m.subscribedTypes,
  });
}

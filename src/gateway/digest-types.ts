import type {
  RegisterDigestTypeRequest,
  RegisterDigestTypeResponse,
} from "../gen/proto/hearsay/v1/gateway.js";
import { type DigestType, SchemaFormat } from "../gen/proto/hearsay/v1/types.js";
import type { RegisterRequest, RegisterResult, RegistryEntry } from "../registry/index.js";
import type { CompiledType } from "../schemas/index.js";
import { fromProblem, type HearsayError, InvalidArgument, type Problem } from "../errors/index.js";

/** What the client API needs of the replicated registry (RegistrySync + Registry in the agent). */
export interface TypeRegistry {
  register(req: RegisterRequest): RegisterResult;
  get(name: string): { entry: RegistryEntry; compiled: CompiledType } | undefined;
  list(prefix: string): RegistryEntry[];
}

/** A schema-engine problem as the client sees it: the shared code, the field (after `prefix`) named first. */
export function schemaError(p: Problem, prefix = ""): HearsayError {
  return fromProblem(p.field ? { ...p, field: `${prefix}${p.field}` } : p);
}

const FORMAT_NAMES: Record<RegistryEntry["format"], SchemaFormat> = {
  "proto-source": SchemaFormat.SCHEMA_FORMAT_PROTO_SOURCE,
  "proto-descriptor-set": SchemaFormat.SCHEMA_FORMAT_PROTO_DESCRIPTOR_SET,
  "thrift-idl": SchemaFormat.SCHEMA_FORMAT_THRIFT_IDL,
};

/** RegisterDigestTypeRequest -> what the registry takes; missing fields are INVALID_ARGUMENT naming them. */
export function toRegisterRequest(req: RegisterDigestTypeRequest): RegisterRequest {
  if (!req.name)
    throw InvalidArgument.at("name", "required: the fully qualified type name, e.g. demo.Greeting");
  const src = req.schema?.source;
  if (!src) throw InvalidArgument.at("schema", "required: proto_source, proto_descriptor_set or thrift_idl");
  const common = {
    name: req.name,
    skipPayloadValidation: req.skipPayloadValidation,
    description: req.description,
  };
  switch (src.$case) {
    case "protoSource":
      if (src.protoSource.files.length === 0)
        throw InvalidArgument.at("schema.proto_source.files", "at least one file");
      return { ...common, format: "proto-source", files: src.protoSource.files };
    case "thriftIdl":
      if (src.thriftIdl.files.length === 0)
        throw InvalidArgument.at("schema.thrift_idl.files", "at least one file");
      return { ...common, format: "thrift-idl", files: src.thriftIdl.files };
    case "protoDescriptorSet":
      if (src.protoDescriptorSet.length === 0) {
        throw InvalidArgument.at("schema.proto_descriptor_set", "empty descriptor set");
      }
      return {
        ...common,
        format: "proto-descriptor-set",
        descriptorSet: new Uint8Array(src.protoDescriptorSet),
      };
  }
}

export function toDigestType(e: RegistryEntry): DigestType {
  const schema: DigestType["schema"] =
    e.format === "proto-descriptor-set"
      ? { source: { $case: "protoDescriptorSet", protoDescriptorSet: Buffer.from(e.descriptorSet ?? []) } }
      : e.format === "proto-source"
        ? { source: { $case: "protoSource", protoSource: { files: [...e.files] } } }
        : { source: { $case: "thriftIdl", thriftIdl: { files: [...e.files] } } };
  return {
    name: e.name,
    version: BigInt(e.version),
    format: FORMAT_NAMES[e.format],
    schema,
    skipPayloadValidation: e.skipPayloadValidation,
    description: e.description,
    registeredBy: e.registeredBy,
    registeredAtMs: BigInt(e.registeredAtMs),
    fingerprint: e.fingerprint,
  };
}

export function registerResponse(r: RegisterResult): RegisterDigestTypeResponse {
  if (!r.ok) throw schemaError(r.error);
  return { type: toDigestType(r.entry), created: r.created };
}

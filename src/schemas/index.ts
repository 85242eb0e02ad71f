/**
 * Digest-type schemas: compile .proto source, descriptor sets and Thrift IDL; validate payloads;
 * render them as JSON and back; decide whether a re-registration is compatible. Pure and I/O-free.
 */
export { compileSchema, type CompileResult, type SchemaInput } from "./compile.js";
export { checkCompatible } from "./compatible.js";
export type { CompiledType, FromJsonResult, SchemaFormat, ToJsonResult, TypeModel } from "./compiled-type.js";
export type { SourceFile } from "./common/sources.js";
export { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from "./limits.js";
export type {
  ProtoEnum,
  ProtoField,
  ProtoMessage,
  ProtoModel,
  ProtoScalar,
  ProtoValueType,
} from "./proto/model.js";
export type {
  ThriftBase,
  ThriftEnum,
  ThriftField,
  ThriftModel,
  ThriftRequiredness,
  ThriftStruct,
  ThriftType,
} from "./thrift/model.js";

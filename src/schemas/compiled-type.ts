import type { SchemaLimits } from "./limits.js";
import type { ProtoModel } from "./proto/model.js";
import type { Check, Failure } from "../errors/index.js";
import type { ThriftModel } from "./thrift/model.js";

/** The three forms a digest type's schema can be registered in (SchemaFormat in types.proto). */
export type SchemaFormat = "proto-source" | "proto-descriptor-set" | "thrift-idl";

/** The field model of a compiled type: every definition of its schema, and which one is the type. */
export type TypeModel = ProtoModel | ThriftModel;

export type ToJsonResult = { readonly ok: true; readonly json: string } | Failure;
export type FromJsonResult = { readonly ok: true; readonly payload: Uint8Array } | Failure;

/** A digest type ready to check, render and encode payloads. Immutable; safe to share. */
export interface CompiledType {
  /** Fully qualified message or struct name, as registered. */
  readonly name: string;
  readonly format: SchemaFormat;
  /** Order-independent text rendering of the type and everything it references. */
  readonly canonical: string;
  /** Hex SHA-256 of `canonical`; equal fingerprints mean identical schemas. */
  readonly fingerprint: string;
  readonly model: TypeModel;
  readonly limits: Readonly<SchemaLimits>;
  /** Checks that the payload decodes strictly under the type. */
  validate(payload: Uint8Array): Check;
  /** Renders a payload as JSON text (proto3 JSON mapping, or the Thrift mapping in README.md). */
  toJson(payload: Uint8Array): ToJsonResult;
  /** Encodes a JSON document as a payload. */
  fromJson(json: string): FromJsonResult;
}

/** Scalar kinds of protobuf, named as in .proto source. */
export type ProtoScalar =
  | "double"
  | "float"
  | "int64"
  | "uint64"
  | "int32"
  | "fixed64"
  | "fixed32"
  | "bool"
  | "string"
  | "bytes"
  | "uint32"
  | "sfixed32"
  | "sfixed64"
  | "sint32"
  | "sint64";

export const PROTO_SCALARS: ReadonlySet<string> = new Set<ProtoScalar>([
  "double",
  "float",
  "int64",
  "uint64",
  "int32",
  "fixed64",
  "fixed32",
  "bool",
  "string",
  "bytes",
  "uint32",
  "sfixed32",
  "sfixed64",
  "sint32",
  "sint64",
]);

/** What one value of a field is. Type names are fully qualified, without a leading dot. */
export type ProtoValueType =
  | { readonly kind: "scalar"; readonly scalar: ProtoScalar }
  | { readonly kind: "message"; readonly name: string }
  | { readonly kind: "enum"; readonly name: string };

export interface ProtoField {
  readonly name: string;
  /** proto3 JSON name: `json_name` if set, else lowerCamelCase of `name`. */
  readonly jsonName: string;
  readonly number: number;
  /** "repeated" for repeated and map fields. */
  readonly label: "optional" | "required" | "repeated";
  /** Set for map fields; `type` is then the value type. */
  readonly mapKey?: ProtoScalar;
  readonly type: ProtoValueType;
  /** Explicit presence: proto2 singular, proto3 `optional`, oneof members and message fields. */
  readonly presence: boolean;
  /** Name of the (real, not synthetic) oneof this field belongs to. */
  readonly oneof?: string;
  /** Encoder preference only; decoders accept packed and unpacked alike. */
  readonly packed: boolean;
}

export interface ProtoMessage {
  readonly name: string;
  /** Sorted by number. */
  readonly fields: readonly ProtoField[];
  readonly byNumber: ReadonlyMap<number, ProtoField>;
  /** Both the JSON name and the declared name of every field. */
  readonly byJsonKey: ReadonlyMap<string, ProtoField>;
  /** proto2 `required` fields, which every payload must carry. */
  readonly required: readonly ProtoField[];
  /** Real oneofs: name -> member fields. */
  readonly oneofs: ReadonlyMap<string, readonly ProtoField[]>;
}

export interface ProtoEnumValue {
  readonly name: string;
  readonly number: number;
}

export interface ProtoEnum {
  readonly name: string;
  readonly values: readonly ProtoEnumValue[];
  /** First declared name per number (aliases share a number). */
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byName: ReadonlyMap<string, number>;
}

/** Every message and enum of a compiled protobuf schema, and which message is the digest type. */
export interface ProtoModel {
  readonly kind: "proto";
  readonly root: string;
  readonly messages: ReadonlyMap<string, ProtoMessage>;
  readonly enums: ReadonlyMap<string, ProtoEnum>;
}

/** Scalars that may be packed: every numeric kind and bool (enums too, by value type). */
export function isPackable(type: ProtoValueType): boolean {
  return (
    type.kind === "enum" || (type.kind === "scalar" && type.scalar !== "string" && type.scalar !== "bytes")
  );
}

/** protoc's ToJsonName: drop underscores, upper-case the letter after each. */
export function defaultJsonName(name: string): string {
  let out = "";
  let upper = false;
  for (const ch of name) {
    if (ch === "_") upper = true;
    else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else out += ch;
  }
  return out;
}

import type { ProtoScalar, ProtoValueType } from "./model.js";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const SCALAR_WIRE: Record<ProtoScalar, number> = {
  int32: WIRE_VARINT,
  int64: WIRE_VARINT,
  uint32: WIRE_VARINT,
  uint64: WIRE_VARINT,
  sint32: WIRE_VARINT,
  sint64: WIRE_VARINT,
  bool: WIRE_VARINT,
  fixed64: WIRE_FIXED64,
  sfixed64: WIRE_FIXED64,
  double: WIRE_FIXED64,
  fixed32: WIRE_FIXED32,
  sfixed32: WIRE_FIXED32,
  float: WIRE_FIXED32,
  string: WIRE_LEN,
  bytes: WIRE_LEN,
};

/** The wire type a value of this type is written with (unpacked). */
export function wireTypeOf(type: ProtoValueType): number {
  if (type.kind === "scalar") return SCALAR_WIRE[type.scalar];
  return type.kind === "enum" ? WIRE_VARINT : WIRE_LEN;
}

/** Readable name of a value type for errors: "int32", "message demo.Person", "enum demo.Color". */
export function describeType(type: ProtoValueType): string {
  return type.kind === "scalar" ? type.scalar : `${type.kind} ${type.name}`;
}

/**
 * Decoded protobuf values, keyed by field number. 64-bit integers are bigint, 32-bit and smaller
 * are number, enums are their number, bytes are Uint8Array. Which variant a value is follows from
 * its field in the model.
 */
export type ProtoScalarValue = number | bigint | boolean | string | Uint8Array;
export type MessageValue = Map<number, FieldValue>;
export type SingleValue = ProtoScalarValue | MessageValue;
export type MapKey = string | number | bigint | boolean;
/** A singular value, the elements of a repeated field, or the entries of a map field. */
export type FieldValue = SingleValue | SingleValue[] | Map<MapKey, SingleValue>;

/**
 * Decoded Thrift values, structs keyed by field id. i64 is bigint, other integers and doubles are
 * number, enums their number, binary and uuid Uint8Array. Lists and sets are arrays; maps are
 * arrays of [key, value] pairs (keys may be structs, so no JS Map). Which variant a value is
 * follows from its field in the model.
 */
export type ThriftValue =
  boolean | number | bigint | string | Uint8Array | StructValue | ThriftValue[] | MapEntry[];
export type StructValue = Map<number, ThriftValue>;
export type MapEntry = [ThriftValue, ThriftValue];

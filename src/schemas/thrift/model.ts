/** Thrift base types; `byte` is also spelled i8. */
export type ThriftBase = "bool" | "byte" | "i16" | "i32" | "i64" | "double" | "string" | "binary" | "uuid";

/** A field or element type; typedefs are resolved away. Struct and enum names are qualified. */
export type ThriftType =
  | { readonly kind: "base"; readonly base: ThriftBase }
  | { readonly kind: "list" | "set"; readonly elem: ThriftType }
  | { readonly kind: "map"; readonly key: ThriftType; readonly value: ThriftType }
  | { readonly kind: "struct"; readonly name: string }
  | { readonly kind: "enum"; readonly name: string };

/** "default" is Thrift's unlabelled requiredness: written when set, read when present. */
export type ThriftRequiredness = "required" | "optional" | "default";

export interface ThriftField {
  readonly id: number;
  readonly name: string;
  readonly requiredness: ThriftRequiredness;
  readonly type: ThriftType;
}

export interface ThriftStruct {
  /** Qualified name: "<file scope>.<Name>", the file scope being its file name without ".thrift". */
  readonly name: string;
  /** Name as declared. */
  readonly localName: string;
  readonly kind: "struct" | "union" | "exception";
  /** Sorted by id. */
  readonly fields: readonly ThriftField[];
  readonly byId: ReadonlyMap<number, ThriftField>;
  readonly byName: ReadonlyMap<string, ThriftField>;
  readonly required: readonly ThriftField[];
}

export interface ThriftEnum {
  readonly name: string;
  readonly localName: string;
  readonly values: readonly { readonly name: string; readonly number: number }[];
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byName: ReadonlyMap<string, number>;
}

/** Every struct and enum of a compiled Thrift schema, and which struct is the digest type. */
export interface ThriftModel {
  readonly kind: "thrift";
  readonly root: string;
  readonly structs: ReadonlyMap<string, ThriftStruct>;
  readonly enums: ReadonlyMap<string, ThriftEnum>;
}

/** Binary protocol type ids. */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
  UUID: 16,
} as const;

const BASE_TTYPE: Record<ThriftBase, number> = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
  uuid: TType.UUID,
};

/** The binary-protocol type id a value of this type is written with. */
export function ttypeOf(t: ThriftType): number {
  switch (t.kind) {
    case "base":
      return BASE_TTYPE[t.base];
    case "enum":
      return TType.I32;
    case "struct":
      return TType.STRUCT;
    case "map":
      return TType.MAP;
    case "set":
      return TType.SET;
    case "list":
      return TType.LIST;
  }
}

/** Readable type for errors and the canonical form: "list<i32>", "struct demo.Person". */
export function describeThriftType(t: ThriftType): string {
  switch (t.kind) {
    case "base":
      return t.base;
    case "list":
    case "set":
      return `${t.kind}<${describeThriftType(t.elem)}>`;
    case "map":
      return `map<${describeThriftType(t.key)},${describeThriftType(t.value)}>`;
    default:
      return `${t.kind} ${t.name}`;
  }
}

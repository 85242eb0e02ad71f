import { type DescMessage, type MessageShape, fromBinary, toBinary } from "@bufbuild/protobuf";

/**
 * How the SDK turns application messages of one digest type into payload bytes
 * and back. Build one with `tsProtoCodec` or `bufCodec`, or write your own
 * (e.g. for Thrift structs).
 */
export interface Codec<T> {
  /** Fully qualified digest type name, e.g. "demo.Greeting". */
  readonly typeName: string;
  encode(message: T): Uint8Array;
  decode(payload: Uint8Array): T;
}

/** A Codec that also carries the @bufbuild/protobuf descriptor, so `registerType` can send its schema. */
export interface BufCodec<Desc extends DescMessage> extends Codec<MessageShape<Desc>> {
  readonly desc: Desc;
}

/** The part of a ts-proto generated `MessageFns<T>` object a codec needs. */
export interface TsProtoMessageFns<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  /** Present when ts-proto ran with outputTypeAnnotations / outputTypeRegistry. */
  readonly $type?: string;
}

/**
 * A Codec over a ts-proto generated message object (`export const Greeting: MessageFns<Greeting>`).
 * ts-proto keeps no descriptor at runtime, so name the type unless it carries `$type`.
 */
export function tsProtoCodec<T>(fns: TsProtoMessageFns<T>, typeName?: string): Codec<T> {
  const name = typeName ?? fns.$type;
  if (!name) throw new TypeError('tsProtoCodec: pass the fully qualified type name, e.g. "demo.Greeting"');
  return {
    typeName: name,
    encode: (m) => fns.encode(m).finish(),
    decode: (b) => fns.decode(b),
  };
}

/** A Codec over an @bufbuild/protobuf message descriptor (a generated `...Schema` or one from a registry). */
export function bufCodec<Desc extends DescMessage>(desc: Desc): BufCodec<Desc> {
  return {
    typeName: desc.typeName,
    desc,
    encode: (m) => toBinary(desc, m),
    decode: (b) => fromBinary(desc, b),
  };
}

export function isCodec(x: unknown): x is Codec<unknown> {
  const c = x as Partial<Codec<unknown>> | null;
  return (
    typeof c === "object" &&
    c !== null &&
    typeof c.typeName === "string" &&
    typeof c.encode === "function" &&
    typeof c.decode === "function"
  );
}

/** The digest type name of a type argument: a name or a Codec. */
export function typeNameOf(t: string | Codec<unknown>): string {
  return typeof t === "string" ? t : t.typeName;
}

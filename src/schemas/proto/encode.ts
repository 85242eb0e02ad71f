import { encodeUtf8 } from "../common/utf8.js";
import type { ProtoMessage, ProtoModel, ProtoScalar, ProtoValueType } from "./model.js";
import { isPackable } from "./model.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";
import { WIRE_LEN, wireTypeOf } from "./wire.js";

/**
 * Encodes a message value (as built by fromJson or the decoder) to protobuf binary: fields in
 * number order, implicit-presence fields at their default left out, repeated scalars packed when
 * the schema says so. Values are trusted to match the model (fromJson checked them).
 */
export function encodeProto(model: ProtoModel, message: ProtoMessage, value: MessageValue): Uint8Array {
  const w = new Writer();
  writeMessage(w, model, message, value);
  return w.finish();
}

function writeMessage(w: Writer, model: ProtoModel, message: ProtoMessage, value: MessageValue): void {
  for (const field of message.fields) {
    const v = value.get(field.number);
    if (v === undefined) continue;
    if (field.mapKey !== undefined) {
      for (const [key, item] of v as Map<MapKey, SingleValue>) {
        w.tag(field.number, WIRE_LEN);
        const entry = new Writer();
        const keyType: ProtoValueType = { kind: "scalar", scalar: field.mapKey };
        writeSingle(entry, model, keyType, 1, key);
        writeSingle(entry, model, field.type, 2, item);
        w.bytes(entry.finish());
      }
    } else if (field.label === "repeated") {
      const list = v as SingleValue[];
      if (list.length === 0) continue;
      if (field.packed && isPackable(field.type)) {
        const packed = new Writer();
        for (const item of list) writeRaw(packed, model, field.type, item);
        w.tag(field.number, WIRE_LEN);
        w.bytes(packed.finish());
      } else {
        for (const item of list) writeSingle(w, model, field.type, field.number, item);
      }
    } else if (field.presence || !isDefault(v as SingleValue)) {
      writeSingle(w, model, field.type, field.number, v as SingleValue);
    }
  }
}

function writeSingle(
  w: Writer,
  model: ProtoModel,
  type: ProtoValueType,
  number: number,
  v: SingleValue,
): void {
  w.tag(number, wireTypeOf(type));
  writeRaw(w, model, type, v);
}

/** Writes a value without its tag (length-prefixed for strings, bytes and messages). */
function writeRaw(w: Writer, model: ProtoModel, type: ProtoValueType, v: SingleValue): void {
  if (type.kind === "enum") {
    w.int32(v as number);
    return;
  }
  if (type.kind === "message") {
    const sub = new Writer();
    writeMessage(sub, model, model.messages.get(type.name)!, v as MessageValue);
    w.bytes(sub.finish());
    return;
  }
  writeScalar(w, type.scalar, v);
}

function writeScalar(w: Writer, s: ProtoScalar, v: SingleValue): void {
  switch (s) {
    case "int32":
      return w.int32(v as number);
    case "uint32":
      return w.varint((v as number) >>> 0, 0);
    case "sint32":
      return w.varint((((v as number) << 1) ^ ((v as number) >> 31)) >>> 0, 0);
    case "bool":
      return w.varint(v === true ? 1 : 0, 0);
    case "int64":
    case "uint64":
      return w.varint64(BigInt.asUintN(64, v as bigint));
    case "sint64": {
      const n = v as bigint;
      return w.varint64(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
    }
    case "fixed32":
      return w.fixed(4, (view, at) => view.setUint32(at, v as number, true));
    case "sfixed32":
      return w.fixed(4, (view, at) => view.setInt32(at, v as number, true));
    case "float":
      return w.fixed(4, (view, at) => view.setFloat32(at, v as number, true));
    case "fixed64":
      return w.fixed(8, (view, at) => view.setBigUint64(at, BigInt.asUintN(64, v as bigint), true));
    case "sfixed64":
      return w.fixed(8, (view, at) => view.setBigInt64(at, BigInt.asIntN(64, v as bigint), true));
    case "double":
      return w.fixed(8, (view, at) => view.setFloat64(at, v as number, true));
    case "string":
      return w.bytes(encodeUtf8(v as string));
    case "bytes":
      return w.bytes(v as Uint8Array);
  }
}

/** True for the zero value of a scalar or enum (proto3 leaves those out). */
export function isDefault(v: SingleValue): boolean {
  if (typeof v === "string") return v === "";
  if (typeof v === "number") return v === 0 && !Object.is(v, -0);
  if (typeof v === "bigint") return v === 0n;
  if (typeof v === "boolean") return !v;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

/** A growable byte buffer. */
class Writer {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  tag(number: number, wire: number): void {
    this.varint(((number << 3) | wire) >>> 0, 0);
  }

  int32(n: number): void {
    if (n >= 0) this.varint(n, 0);
    else this.varint(n >>> 0, 0xffffffff); // negative int32 is sign-extended to 10 bytes
  }

  /** Writes a varint from two unsigned 32-bit halves. */
  varint(lo: number, hi: number): void {
    this.ensure(10);
    while (hi !== 0 || lo > 0x7f) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  varint64(n: bigint): void {
    this.varint(Number(n & 0xffffffffn), Number(n >> 32n));
  }

  fixed(n: number, set: (view: DataView, at: number) => void): void {
    this.ensure(n);
    set(this.view, this.pos);
    this.pos += n;
  }

  /** Writes a length prefix and the bytes. */
  bytes(b: Uint8Array): void {
    this.varint(b.length, 0);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

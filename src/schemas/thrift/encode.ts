import { encodeUtf8 } from "../common/utf8.js";
import { TType, ttypeOf, type ThriftModel, type ThriftStruct, type ThriftType } from "./model.js";
import type { MapEntry, StructValue, ThriftValue } from "./values.js";

/**
 * Encodes a struct value (as built by fromJson) in the binary protocol: fields in id order, then
 * STOP. Values are trusted to match the model (fromJson checked them).
 */
export function encodeThrift(model: ThriftModel, st: ThriftStruct, value: StructValue): Uint8Array {
  const w = new BigEndianWriter();
  writeStruct(w, model, st, value);
  return w.finish();
}

function writeStruct(w: BigEndianWriter, model: ThriftModel, st: ThriftStruct, value: StructValue): void {
  for (const field of st.fields) {
    const v = value.get(field.id);
    if (v === undefined) continue;
    w.u8(ttypeOf(field.type));
    w.i16(field.id);
    writeValue(w, model, field.type, v);
  }
  w.u8(TType.STOP);
}

function writeValue(w: BigEndianWriter, model: ThriftModel, t: ThriftType, v: ThriftValue): void {
  switch (t.kind) {
    case "struct":
      return writeStruct(w, model, model.structs.get(t.name)!, v as StructValue);
    case "enum":
      return w.i32(v as number);
    case "list":
    case "set": {
      const items = v as ThriftValue[];
      w.u8(ttypeOf(t.elem));
      w.i32(items.length);
      for (const item of items) writeValue(w, model, t.elem, item);
      return;
    }
    case "map": {
      const entries = v as MapEntry[];
      w.u8(ttypeOf(t.key));
      w.u8(ttypeOf(t.value));
      w.i32(entries.length);
      for (const [key, item] of entries) {
        writeValue(w, model, t.key, key);
        writeValue(w, model, t.value, item);
      }
      return;
    }
    case "base":
      switch (t.base) {
        case "bool":
          return w.u8(v === true ? 1 : 0);
        case "byte":
          return w.u8((v as number) & 0xff);
        case "i16":
          return w.i16(v as number);
        case "i32":
          return w.i32(v as number);
        case "i64":
          return w.i64(v as bigint);
        case "double":
          return w.f64(v as number);
        case "string":
          return w.bytes(encodeUtf8(v as string), true);
        case "binary":
          return w.bytes(v as Uint8Array, true);
        case "uuid":
          return w.bytes(v as Uint8Array, false);
      }
  }
}

class BigEndianWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private ensure(n: number): number {
    if (this.pos + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.pos + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.pos));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  // Each method claims its bytes before touching buf/view: ensure() may replace both.
  u8(n: number): void {
    const at = this.ensure(1);
    this.buf[at] = n;
  }

  i16(n: number): void {
    const at = this.ensure(2);
    this.view.setInt16(at, n);
  }

  i32(n: number): void {
    const at = this.ensure(4);
    this.view.setInt32(at, n);
  }

  i64(n: bigint): void {
    const at = this.ensure(8);
    this.view.setBigInt64(at, BigInt.asIntN(64, n));
  }

  f64(n: number): void {
    const at = this.ensure(8);
    this.view.setFloat64(at, n);
  }

  /** With `prefixed`, an i32 length first (strings, binary); without, raw (uuid). */
  bytes(b: Uint8Array, prefixed: boolean): void {
    if (prefixed) this.i32(b.length);
    const at = this.ensure(b.length);
    this.buf.set(b, at);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

import { isUtf8 } from "node:buffer";
import { decodeUtf8 } from "../common/utf8.js";
import type { SchemaLimits } from "../limits.js";
import { fail, type Problem, type ProblemCode, type Failure } from "../../errors/index.js";
import { joinPath } from "../path.js";
import {
  TType,
  describeThriftType,
  ttypeOf,
  type ThriftModel,
  type ThriftStruct,
  type ThriftType,
} from "./model.js";
import type { MapEntry, StructValue, ThriftValue } from "./values.js";

export type ThriftDecodeResult = { ok: true; value: StructValue } | Failure;

/** Fewest bytes one value of each binary-protocol type takes; bounds container sizes up front. */
const MIN_BYTES: Readonly<Record<number, number>> = {
  [TType.BOOL]: 1,
  [TType.BYTE]: 1,
  [TType.DOUBLE]: 8,
  [TType.I16]: 2,
  [TType.I32]: 4,
  [TType.I64]: 8,
  [TType.STRING]: 4,
  [TType.STRUCT]: 1,
  [TType.MAP]: 6,
  [TType.SET]: 5,
  [TType.LIST]: 5,
  [TType.UUID]: 16,
};

/**
 * Decodes a binary-protocol struct strictly: known fields must carry their declared type, required
 * fields must be present, a union sets at most one field, strings must be UTF-8, bools 0 or 1,
 * container sizes must fit in the bytes left, and the struct must end exactly at the payload's end.
 * With `build` false nothing is allocated for the values (validation).
 */
export function decodeThrift(
  model: ThriftModel,
  bytes: Uint8Array,
  limits: SchemaLimits,
  build: boolean,
): ThriftDecodeResult {
  if (bytes.length > limits.maxPayloadBytes) {
    return fail("RESOURCE_EXHAUSTED", `payload over maxPayloadBytes (${limits.maxPayloadBytes})`, "payload");
  }
  const d = new ThriftDecoder(model, bytes, limits, build);
  const value = d.struct(model.structs.get(model.root)!, 1, "");
  if (d.error === null && d.pos !== bytes.length) {
    return fail("INVALID_ARGUMENT", `${bytes.length - d.pos} bytes follow the end of the struct`, "payload");
  }
  return d.error === null ? { ok: true, value: value ?? new Map() } : { ok: false, error: d.error };
}

class ThriftDecoder {
  pos = 0;
  error: Problem | null = null;
  private values = 0;
  private readonly view: DataView;

  constructor(
    private readonly model: ThriftModel,
    private readonly buf: Uint8Array,
    private readonly limits: SchemaLimits,
    private readonly build: boolean,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private fail(code: ProblemCode, message: string, field: string): undefined {
    if (this.error === null) this.error = { code, field: field || "payload", message };
    this.pos = this.buf.length + 1;
    return undefined;
  }

  /** Claims n bytes; returns where they start, or -1 after failing. */
  private take(n: number, path: string): number {
    const at = this.pos;
    if (this.buf.length - at < n) {
      this.fail("INVALID_ARGUMENT", "payload is truncated", path);
      return -1;
    }
    this.pos = at + n;
    return at;
  }

  private enter(depth: number, path: string): boolean {
    if (depth <= this.limits.maxDecodeDepth) return true;
    this.fail(
      "RESOURCE_EXHAUSTED",
      `payload nests deeper than maxDecodeDepth (${this.limits.maxDecodeDepth})`,
      path,
    );
    return false;
  }

  private count(path: string): boolean {
    if (++this.values <= this.limits.maxDecodedValues) return true;
    this.fail(
      "RESOURCE_EXHAUSTED",
      `payload has more values than maxDecodedValues (${this.limits.maxDecodedValues})`,
      path,
    );
    return false;
  }

  struct(st: ThriftStruct, depth: number, path: string): StructValue | undefined {
    if (!this.enter(depth, path)) return undefined;
    const out: StructValue | undefined = this.build ? new Map() : undefined;
    // Field ids read, only tracked when something must be checked at the end.
    const seen = st.required.length > 0 || st.kind === "union" ? new Set<number>() : null;
    while (this.error === null) {
      const at = this.take(1, path);
      if (at < 0) return undefined;
      const type = this.buf[at]!;
      if (type === TType.STOP) break;
      const idAt = this.take(2, path);
      if (idAt < 0 || !this.count(path)) return undefined;
      const id = this.view.getInt16(idAt);
      const field = st.byId.get(id);
      if (field === undefined) {
        this.skip(type, depth, path);
        continue;
      }
      const fpath = joinPath(path, field.name);
      const expected = ttypeOf(field.type);
      if (type !== expected) {
        return this.fail(
          "INVALID_ARGUMENT",
          `field ${fpath} (id ${id}) has type id ${type}, but ${describeThriftType(field.type)} is written as ${expected}`,
          fpath,
        );
      }
      const v = this.value(field.type, depth, fpath);
      if (this.error !== null) return undefined;
      seen?.add(id);
      if (out !== undefined && v !== undefined) out.set(id, v);
    }
    if (this.error !== null) return undefined;
    if (seen === null) return out;
    const missing = st.required.find((f) => !seen.has(f.id));
    if (missing !== undefined) {
      const fpath = joinPath(path, missing.name);
      return this.fail("INVALID_ARGUMENT", `required field ${fpath} (id ${missing.id}) is missing`, fpath);
    }
    if (st.kind === "union" && seen.size > 1) {
      return this.fail(
        "INVALID_ARGUMENT",
        `union ${st.localName} has ${seen.size} fields set; at most one may be`,
        path,
      );
    }
    return out;
  }

  private value(t: ThriftType, depth: number, path: string): ThriftValue | undefined {
    switch (t.kind) {
      case "struct":
        return this.struct(this.model.structs.get(t.name)!, depth + 1, path);
      case "enum":
        return this.fixed(TType.I32, path);
      case "list":
      case "set":
        return this.list(t.elem, depth, path);
      case "map":
        return this.map(t.key, t.value, depth, path);
      case "base":
        if (t.base === "string" || t.base === "binary") return this.bytes(t.base === "string", path);
        return this.fixed(ttypeOf(t), path);
    }
  }

  /** bool, byte, i16, i32, i64, double and uuid. */
  private fixed(type: number, path: string): ThriftValue | undefined {
    const at = this.take(MIN_BYTES[type]!, path);
    if (at < 0) return undefined;
    switch (type) {
      case TType.BOOL: {
        const b = this.buf[at]!;
        if (b > 1) return this.fail("INVALID_ARGUMENT", `bool byte is ${b}, not 0 or 1`, path);
        return b === 1;
      }
      case TType.BYTE:
        return this.view.getInt8(at);
      case TType.I16:
        return this.view.getInt16(at);
      case TType.I32:
        return this.view.getInt32(at);
      case TType.I64:
        return this.build ? this.view.getBigInt64(at) : undefined;
      case TType.DOUBLE:
        return this.view.getFloat64(at);
      default:
        return this.build ? this.buf.slice(at, at + 16) : undefined;
    }
  }

  private bytes(utf8: boolean, path: string): ThriftValue | undefined {
    const at = this.take(4, path);
    if (at < 0) return undefined;
    const len = this.view.getInt32(at);
    if (len < 0 || len > this.buf.length - this.pos) {
      return this.fail("INVALID_ARGUMENT", `string length ${len} does not fit in the payload`, path);
    }
    const bytes = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    if (!utf8) return this.build ? bytes.slice() : undefined;
    const text = this.build ? decodeUtf8(bytes) : isUtf8(bytes) ? "" : undefined;
    if (text === undefined) return this.fail("INVALID_ARGUMENT", `string ${path} is not valid UTF-8`, path);
    return this.build ? text : undefined;
  }

  /** Reads a container header; returns the element count, or -1 after failing. */
  private size(types: number[], min: number, path: string): number {
    const at = this.take(4, path);
    if (at < 0) return -1;
    const n = this.view.getInt32(at);
    if (n < 0 || (n > 0 && n * min > this.buf.length - this.pos)) {
      this.fail("INVALID_ARGUMENT", `container size ${n} does not fit in the payload`, path);
      return -1;
    }
    if (n > 0 && types.some((t) => MIN_BYTES[t] === undefined)) {
      this.fail("INVALID_ARGUMENT", `unknown element type id ${types.join("/")}`, path);
      return -1;
    }
    return n;
  }

  private list(elem: ThriftType, depth: number, path: string): ThriftValue[] | undefined {
    if (!this.enter(depth + 1, path)) return undefined;
    const at = this.take(1, path);
    if (at < 0) return undefined;
    const type = this.buf[at]!;
    const n = this.size([type], MIN_BYTES[type] ?? 1, path);
    if (n < 0) return undefined;
    if (n > 0 && type !== ttypeOf(elem)) {
      return this.fail(
        "INVALID_ARGUMENT",
        `elements have type id ${type}, expected ${ttypeOf(elem)} (${describeThriftType(elem)})`,
        path,
      );
    }
    const out: ThriftValue[] | undefined = this.build ? [] : undefined;
    for (let i = 0; i < n && this.error === null; i++) {
      if (!this.count(path)) return undefined;
      const v = this.value(elem, depth + 1, path);
      if (out !== undefined && v !== undefined) out.push(v);
    }
    return this.error === null ? out : undefined;
  }

  private map(key: ThriftType, value: ThriftType, depth: number, path: string): MapEntry[] | undefined {
    if (!this.enter(depth + 1, path)) return undefined;
    const at = this.take(2, path);
    if (at < 0) return undefined;
    const kt = this.buf[at]!;
    const vt = this.buf[at + 1]!;
    const n = this.size([kt, vt], (MIN_BYTES[kt] ?? 1) + (MIN_BYTES[vt] ?? 1), path);
    if (n < 0) return undefined;
    if (n > 0 && (kt !== ttypeOf(key) || vt !== ttypeOf(value))) {
      return this.fail(
        "INVALID_ARGUMENT",
        `map has type ids ${kt}/${vt}, expected ${ttypeOf(key)}/${ttypeOf(value)}`,
        path,
      );
    }
    const out: MapEntry[] | undefined = this.build ? [] : undefined;
    for (let i = 0; i < n && this.error === null; i++) {
      if (!this.count(path)) return undefined;
      const k = this.value(key, depth + 1, path);
      const v = this.value(value, depth + 1, path);
      if (out !== undefined && k !== undefined && v !== undefined) out.push([k, v]);
    }
    return this.error === null ? out : undefined;
  }

  /** Skips a value of an unknown field, still checking it is well-formed. */
  private skip(type: number, depth: number, path: string): void {
    switch (type) {
      case TType.STRING:
        this.bytes(false, path);
        return;
      case TType.STRUCT:
        this.skipStruct(depth + 1, path);
        return;
      case TType.LIST:
      case TType.SET: {
        if (!this.enter(depth + 1, path)) return;
        const at = this.take(1, path);
        if (at < 0) return;
        const elem = this.buf[at]!;
        const n = this.size([elem], MIN_BYTES[elem] ?? 1, path);
        for (let i = 0; i < n && this.error === null; i++)
          if (this.count(path)) this.skip(elem, depth + 1, path);
        return;
      }
      case TType.MAP: {
        if (!this.enter(depth + 1, path)) return;
        const at = this.take(2, path);
        if (at < 0) return;
        const kt = this.buf[at]!;
        const vt = this.buf[at + 1]!;
        const n = this.size([kt, vt], (MIN_BYTES[kt] ?? 1) + (MIN_BYTES[vt] ?? 1), path);
        for (let i = 0; i < n && this.error === null; i++) {
          if (!this.count(path)) return;
          this.skip(kt, depth + 1, path);
          this.skip(vt, depth + 1, path);
        }
        return;
      }
      default:
        if (MIN_BYTES[type] === undefined) this.fail("INVALID_ARGUMENT", `unknown type id ${type}`, path);
        else this.take(MIN_BYTES[type], path);
    }
  }

  private skipStruct(depth: number, path: string): void {
    if (!this.enter(depth, path)) return;
    while (this.error === null) {
      const at = this.take(1, path);
      if (at < 0) return;
      const type = this.buf[at]!;
      if (type === TType.STOP) return;
      if (this.take(2, path) < 0 || !this.count(path)) return;
      this.skip(type, depth, path);
    }
  }
}

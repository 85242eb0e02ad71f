import { isUtf8 } from "node:buffer";
import { decodeUtf8 } from "../common/utf8.js";
import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import { joinPath } from "../path.js";
import type { ProtoField, ProtoMessage, ProtoModel, ProtoScalar, ProtoValueType } from "./model.js";
import type { MapKey, MessageValue, SingleValue } from "./values.js";
import { WIRE_LEN, describeType, wireTypeOf } from "./wire.js";
import { WireReader } from "./wire-reader.js";
import { defaultScalar, defaultValue, varintValue } from "./scalar-values.js";

export type DecodeResult = { ok: true; value: MessageValue } | Failure;

/**
 * Decodes a payload strictly against the model: it must parse to its last byte, known fields must
 * carry their declared wire type, strings must be UTF-8, unknown fields must be well-formed, and
 * depth and value counts stay within the limits. With `build` false nothing is allocated for the
 * values (validation); the returned message is then empty.
 */
export function decodeProto(
  model: ProtoModel,
  typeName: string,
  bytes: Uint8Array,
  limits: SchemaLimits,
  build: boolean,
): DecodeResult {
  if (bytes.length > limits.maxPayloadBytes) {
    return fail("RESOURCE_EXHAUSTED", `payload over maxPayloadBytes (${limits.maxPayloadBytes})`, "payload");
  }
  const message = model.messages.get(typeName);
  if (message === undefined) return fail("NOT_FOUND", `type ${typeName} is not in the model`);
  const d = new Decoder(model, bytes, limits, build);
  const out: MessageValue | null = build ? new Map() : null;
  d.message(message, bytes.length, 1, "", out);
  if (d.error !== null) return { ok: false, error: d.error };
  return out === null ? VALID : { ok: true, value: out };
}

/** What validation (build false) returns: nothing per payload, so publishing allocates less. */
const VALID: DecodeResult = Object.freeze({ ok: true, value: new Map() });

class Decoder extends WireReader {
  constructor(
    private readonly model: ProtoModel,
    buf: Uint8Array,
    limits: SchemaLimits,
    private readonly build: boolean,
  ) {
    super(buf, limits);
  }

  message(msg: ProtoMessage, end: number, depth: number, path: string, into: MessageValue | null): void {
    if (this.tooDeep(depth, path)) return;
    const seen = msg.required.length > 0 ? new Set<number>() : null;
    while (this.pos < end) {
      const tag = this.tag(end, path);
      if (tag < 0) return;
      const number = tag >>> 3;
      const wire = tag & 7;
      const field = msg.byNumber.get(number);
      if (field === undefined) this.skip(wire, number, end, depth, path);
      else {
        seen?.add(number);
        this.field(msg, field, wire, end, depth, path, into);
      }
    }
    if (this.pos > end && this.error === null) {
      this.fail("INVALID_ARGUMENT", "a field runs past the end of its message", path || undefined);
    }
    const missing = seen === null ? undefined : msg.required.find((f) => !seen.has(f.number));
    if (missing !== undefined && this.error === null) {
      const fpath = joinPath(path, missing.name);
      this.fail("INVALID_ARGUMENT", `required field ${fpath} (number ${missing.number}) is missing`, fpath);
    }
  }

  private field(
    msg: ProtoMessage,
    field: ProtoField,
    wire: number,
    end: number,
    depth: number,
    path: string,
    into: MessageValue | null,
  ): void {
    const type = field.type;
    const expected = field.mapKey !== undefined ? WIRE_LEN : wireTypeOf(type);
    const packed = field.label === "repeated" && wire === WIRE_LEN && expected !== WIRE_LEN;
    if (wire !== expected && !packed) {
      const what =
        field.mapKey !== undefined ? `map<${field.mapKey}, ${describeType(type)}>` : describeType(type);
      const fpath = joinPath(path, field.name);
      this.fail(
        "INVALID_ARGUMENT",
        `field ${fpath} (number ${field.number}) has wire type ${wire}, but ${what} is written with wire type ${expected}`,
        fpath,
      );
      return;
    }
    if (field.mapKey !== undefined) {
      this.mapEntry(field, field.mapKey, end, depth, path, into);
      return;
    }
    if (packed) {
      const packedEnd = this.lengthEnd(end, path, field.name);
      while (this.pos < packedEnd) {
        if (!this.countValue()) return;
        const v = this.scalar(type, packedEnd, path, field);
        if (into !== null && v !== undefined) repeated(into, field).push(v);
      }
      if (this.pos > packedEnd && this.error === null) {
        this.fail(
          "INVALID_ARGUMENT",
          `packed field ${joinPath(path, field.name)} is truncated`,
          joinPath(path, field.name),
        );
      }
      return;
    }
    const v =
      type.kind === "message"
        ? this.subMessage(type.name, field, end, depth, path, into)
        : this.scalar(type, end, path, field);
    if (into === null || v === undefined) return;
    if (field.label === "repeated") repeated(into, field).push(v);
    else {
      if (field.oneof !== undefined) {
        for (const other of msg.oneofs.get(field.oneof) ?? []) if (other !== field) into.delete(other.number);
      }
      into.set(field.number, v);
    }
  }

  /** Decodes a length-delimited message; a singular one merges into what an earlier occurrence set. */
  private subMessage(
    typeName: string,
    field: ProtoField,
    end: number,
    depth: number,
    path: string,
    into: MessageValue | null,
  ): MessageValue | undefined {
    const subEnd = this.lengthEnd(end, path, field.name);
    if (this.error !== null) return undefined;
    let target: MessageValue | null = null;
    if (into !== null) {
      const earlier = field.label === "repeated" ? undefined : into.get(field.number);
      target = earlier instanceof Map ? (earlier as MessageValue) : new Map();
    }
    this.message(this.model.messages.get(typeName)!, subEnd, depth + 1, joinPath(path, field.name), target);
    return target ?? undefined;
  }

  private mapEntry(
    field: ProtoField,
    keyType: ProtoScalar,
    end: number,
    depth: number,
    path: string,
    into: MessageValue | null,
  ): void {
    const entryEnd = this.lengthEnd(end, path, field.name);
    const fpath = joinPath(path, field.name);
    if (this.tooDeep(depth + 1, fpath)) return;
    const keyT: ProtoValueType = { kind: "scalar", scalar: keyType };
    let key: SingleValue | undefined;
    let value: SingleValue | undefined;
    while (this.pos < entryEnd) {
      const tag = this.tag(entryEnd, fpath);
      if (tag < 0) return;
      const number = tag >>> 3;
      const wire = tag & 7;
      const t = number === 1 ? keyT : number === 2 ? field.type : undefined;
      if (t === undefined) {
        this.skip(wire, number, entryEnd, depth + 1, fpath);
        continue;
      }
      if (wire !== wireTypeOf(t)) {
        this.fail(
          "INVALID_ARGUMENT",
          `map entry of ${fpath} has a ${number === 1 ? "key" : "value"} of wire type ${wire}, expected ${wireTypeOf(t)}`,
          fpath,
        );
        return;
      }
      if (number === 1) key = this.scalar(t, entryEnd, path, field);
      else if (t.kind === "message") {
        const sub = this.lengthEnd(entryEnd, path, field.name);
        const target: MessageValue | null = this.build ? new Map() : null;
        this.message(this.model.messages.get(t.name)!, sub, depth + 2, fpath, target);
        value = target ?? undefined;
      } else value = this.scalar(t, entryEnd, path, field);
    }
    if (this.pos > entryEnd && this.error === null) {
      this.fail("INVALID_ARGUMENT", `map entry of ${fpath} is truncated`, fpath);
    }
    if (into === null || this.error !== null) return;
    let map = into.get(field.number) as Map<MapKey, SingleValue> | undefined;
    if (map === undefined) {
      map = new Map();
      into.set(field.number, map);
    }
    map.set((key ?? defaultScalar(keyType)) as MapKey, value ?? defaultValue(field.type));
  }

  /** Reads one scalar or enum value; undefined when not building (or after failing). */
  private scalar(
    type: ProtoValueType,
    end: number,
    path: string,
    field: ProtoField,
  ): SingleValue | undefined {
    if (type.kind === "enum") {
      if (!this.varint(end, path, field.name)) return undefined;
      return this.build ? this.lo | 0 : undefined;
    }
    if (type.kind !== "scalar") return undefined;
    const s = type.scalar;
    switch (s) {
      case "int32":
      case "uint32":
      case "sint32":
      case "bool":
      case "int64":
      case "uint64":
      case "sint64": {
        if (!this.varint(end, path, field.name) || !this.build) return undefined;
        return varintValue(s, this.lo, this.hi);
      }
      case "fixed32":
      case "sfixed32":
      case "float": {
        const start = this.advance(4, end, path, field.name);
        if (start < 0 || !this.build) return undefined;
        if (s === "float") return this.view.getFloat32(start, true);
        return s === "fixed32" ? this.view.getUint32(start, true) : this.view.getInt32(start, true);
      }
      case "fixed64":
      case "sfixed64":
      case "double": {
        const start = this.advance(8, end, path, field.name);
        if (start < 0 || !this.build) return undefined;
        if (s === "double") return this.view.getFloat64(start, true);
        return s === "fixed64" ? this.view.getBigUint64(start, true) : this.view.getBigInt64(start, true);
      }
      case "string":
      case "bytes": {
        const stop = this.lengthEnd(end, path, field.name);
        if (this.error !== null) return undefined;
        const start = this.pos;
        this.pos = stop;
        if (s === "bytes") return this.build ? this.buf.slice(start, stop) : undefined;
        const bytes = this.buf.subarray(start, stop);
        const text = this.build ? decodeUtf8(bytes) : isUtf8(bytes) ? "" : undefined;
        if (text === undefined) {
          const fpath = joinPath(path, field.name);
          this.fail("INVALID_ARGUMENT", `string field ${fpath} is not valid UTF-8`, fpath);
          return undefined;
        }
        return this.build ? text : undefined;
      }
    }
  }
}

function repeated(into: MessageValue, field: ProtoField): SingleValue[] {
  let list = into.get(field.number) as SingleValue[] | undefined;
  if (list === undefined) {
    list = [];
    into.set(field.number, list);
  }
  return list;
}

import type { SchemaLimits } from "../limits.js";
import type { Problem, ProblemCode } from "../../errors/index.js";
import { joinPath } from "../path.js";
import {
  WIRE_END_GROUP,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_START_GROUP,
  WIRE_VARINT,
} from "./wire.js";

/**
 * Bounds-checked reading of protobuf wire primitives with a sticky first error: after a failure the
 * position jumps past the end, so every loop stops and nothing throws.
 */
export class WireReader {
  pos = 0;
  error: Problem | null = null;
  private values = 0;
  /** Last varint read, as two unsigned 32-bit halves. */
  protected lo = 0;
  protected hi = 0;
  private dataView: DataView | null = null;

  constructor(
    protected readonly buf: Uint8Array,
    protected readonly limits: SchemaLimits,
  ) {}

  /** Made on first use: most payloads carry no fixed-width field, and validation reads none. */
  protected get view(): DataView {
    this.dataView ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.dataView;
  }

  /** Records the first error and jumps to the end so every loop stops. */
  protected fail(code: ProblemCode, message: string, field?: string): void {
    if (this.error === null) this.error = field === undefined ? { code, message } : { code, field, message };
    this.pos = this.buf.length + 1;
  }

  /** Counts one more decoded value; false (after failing) past maxDecodedValues. */
  protected countValue(): boolean {
    if (++this.values <= this.limits.maxDecodedValues) return true;
    this.fail(
      "RESOURCE_EXHAUSTED",
      `payload has more values than maxDecodedValues (${this.limits.maxDecodedValues})`,
    );
    return false;
  }

  protected tooDeep(depth: number, path: string): boolean {
    if (depth <= this.limits.maxDecodeDepth) return false;
    this.fail(
      "RESOURCE_EXHAUSTED",
      `payload nests deeper than maxDecodeDepth (${this.limits.maxDecodeDepth})`,
      at(path),
    );
    return true;
  }

  /** Reads a field tag; returns -1 after failing. */
  protected tag(end: number, path: string): number {
    if (!this.varint(end, path)) return -1;
    const tag = this.lo;
    if (this.hi !== 0 || tag >>> 3 === 0) {
      this.fail("INVALID_ARGUMENT", "invalid field tag (field number 0 or over 2^29-1)", path || undefined);
      return -1;
    }
    return this.countValue() ? tag : -1;
  }

  /** Skips an unknown field, still checking that it is well-formed. */
  protected skip(wire: number, number: number, end: number, depth: number, path: string): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint(end, path);
        return;
      case WIRE_FIXED64:
        this.advance(8, end, path);
        return;
      case WIRE_FIXED32:
        this.advance(4, end, path);
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(end, path);
        return;
      case WIRE_START_GROUP: {
        if (this.tooDeep(depth + 1, path)) return;
        while (this.pos < end) {
          const tag = this.tag(end, path);
          if (tag < 0) return;
          if ((tag & 7) === WIRE_END_GROUP) {
            if (tag >>> 3 !== number)
              this.fail(
                "INVALID_ARGUMENT",
                `group ${number} closed by end-group ${tag >>> 3}`,
                path || undefined,
              );
            return;
          }
          this.skip(tag & 7, tag >>> 3, end, depth + 1, path);
        }
        this.fail("INVALID_ARGUMENT", `group ${number} is not closed`, path || undefined);
        return;
      }
      default:
        this.fail(
          "INVALID_ARGUMENT",
          `field number ${number} has invalid wire type ${wire}`,
          path || undefined,
        );
    }
  }

  /** Reads a length prefix; returns where the delimited bytes end (after failing: past the buffer). */
  protected lengthEnd(end: number, path: string, name?: string): number {
    if (!this.varint(end, path, name)) return this.pos;
    if (this.hi !== 0 || this.lo > end - this.pos) {
      this.fail("INVALID_ARGUMENT", "a length prefix points past the end of the payload", at(path, name));
      return this.pos;
    }
    return this.pos + this.lo;
  }

  /** Moves past n bytes; returns where they start, or -1 after failing. */
  protected advance(n: number, end: number, path: string, name?: string): number {
    const start = this.pos;
    if (end - start < n) {
      this.fail("INVALID_ARGUMENT", "payload is truncated", at(path, name));
      return -1;
    }
    this.pos = start + n;
    return start;
  }

  /** Reads a varint of at most 10 bytes into lo/hi; false after failing. */
  protected varint(end: number, path: string, name?: string): boolean {
    const buf = this.buf;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let overlong = false;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) break;
      const b = buf[pos++]!;
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >>> 4;
      } else {
        if (i === 9 && b > 1) {
          overlong = true; // bits beyond 64
          break;
        }
        hi |= (b & 0x7f) << (7 * i - 32);
      }
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return true;
      }
    }
    const what =
      overlong || pos < end ? "varint longer than 64 bits" : "payload is truncated inside a varint";
    this.fail("INVALID_ARGUMENT", what, at(path, name));
    return false;
  }
}

/** The error field for a problem in `name` under `path` (or in the message at `path`). */
export function at(path: string, name?: string): string | undefined {
  if (name !== undefined) return joinPath(path, name);
  return path === "" ? undefined : path;
}

import type { BusConfig } from "./config.js";
import { checkTypeName, NO_HEADERS, type Digest } from "./digest.js";

type Limits = Pick<BusConfig, "maxOriginBytes" | "maxTypeNameBytes" | "maxPayloadBytes">;

/** Max records in one message; the message's byte size bounds it long before this. */
export const MAX_RECORDS = 65_536;

/**
 * Reads a MessagePack sequence of bus records the way BatchWriter writes
 * them (7-element arrays, ASCII names or back-references, unsigned
 * integers, bin payloads) without building msgpackr arrays and views per
 * record: the per-digest hot path of every receiving node. Returns null for
 * anything else (headers, other encodings, non-ASCII names, damage): the
 * caller then decodes the message with msgpackr, which gives the same
 * result for what this accepts and reports errors for the rest.
 */
export function fastRecords(
  b: Uint8Array,
  start: number,
  lim: Limits,
): { digests: Digest[]; refused: number } | null {
  if (start >= b.length) return null;
  const r = new RecordReader(b, start);
  const digests: Digest[] = [];
  let refused = 0;
  for (let count = 1; r.at < r.end; count++) {
    if (count > MAX_RECORDS || !r.next()) return null;
    if (r.acceptable(lim)) digests.push(r.digest());
    else refused++;
  }
  return { digests, refused };
}

/**
 * One message's cursor. next() reads a record into the fields below rather
 * than into a new object, so a record costs only the Digest it becomes.
 */
class RecordReader {
  /** Byte offset of the next unread byte. */
  at: number;
  readonly end: number;
  private readonly view: DataView;
  /** Names seen so far in this message, by back-reference index. */
  private readonly table: string[] = [];
  // Names repeat: check each once per message.
  private okOrigin: string | null = null;
  private okType: string | null = null;
  // The record next() read last.
  private origin = "";
  private type = "";
  private epoch = 0;
  private seq = 0;
  private typeSeq = 0;
  private time = 0;
  private payloadAt = 0;
  private payloadBytes = 0;

  constructor(
    private readonly b: Uint8Array,
    start: number,
  ) {
    this.at = start;
    this.end = b.length;
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Reads one record; false if the bytes are not a record in the shape BatchWriter writes. */
  next(): boolean {
    const b = this.b;
    if (b[this.at] !== 0x97) return false;
    this.at++;
    const o = this.name();
    const t = o === null ? null : this.name();
    if (o === null || t === null) return false;
    const epoch = this.uint();
    const seq = this.uint();
    const typeSeq = this.uint();
    const time = this.uint();
    if (Number.isNaN(epoch) || Number.isNaN(seq) || Number.isNaN(typeSeq) || Number.isNaN(time)) return false;
    const n = this.binLength();
    if (Number.isNaN(n) || this.at + n > this.end) return false;
    this.origin = o;
    this.type = t;
    this.epoch = epoch;
    this.seq = seq;
    this.typeSeq = typeSeq;
    this.time = time;
    this.payloadAt = this.at;
    this.payloadBytes = n;
    this.at += n;
    return true;
  }

  /** The checks of the msgpackr path's `record`, in its order, on the record next() read. */
  acceptable(lim: Limits): boolean {
    const o = this.origin;
    if (o !== this.okOrigin) {
      if (o.length === 0 || o.length > lim.maxOriginBytes) return false;
      this.okOrigin = o;
    }
    const t = this.type;
    if (t !== this.okType) {
      if (!checkTypeName(t, lim).ok) return false;
      this.okType = t;
    }
    const { epoch, seq, typeSeq, time } = this;
    if (!isSeq(epoch) || !isSeq(seq) || !isSeq(typeSeq) || typeSeq > seq) return false;
    return Number.isSafeInteger(time) && time >= 0 && this.payloadBytes <= lim.maxPayloadBytes;
  }

  /** The record next() read, its payload a view of the message: the bus copies the payloads it keeps (ownPayload). */
  digest(): Digest {
    const b = this.b;
    return {
      origin: this.origin,
      epoch: this.epoch,
      type: this.type,
      seq: this.seq,
      typeSeq: this.typeSeq,
      publishTimeMs: this.time,
      payload: new Uint8Array(b.buffer, b.byteOffset + this.payloadAt, this.payloadBytes),
      headers: NO_HEADERS as Record<string, string>,
    };
  }

  /** An unsigned integer (fixint, uint8/16/32, or an integral float64 as msgpackr writes large ones); NaN if none. */
  private uint(): number {
    const { b, at, end } = this;
    if (at >= end) return NaN;
    const t = b[at] as number;
    if (t < 0x80) {
      this.at = at + 1;
      return t;
    }
    if (t === 0xcc && at + 2 <= end) {
      this.at = at + 2;
      return b[at + 1] as number;
    }
    if (t === 0xcd && at + 3 <= end) {
      this.at = at + 3;
      return this.view.getUint16(at + 1);
    }
    if (t === 0xce && at + 5 <= end) {
      this.at = at + 5;
      return this.view.getUint32(at + 1);
    }
    if (t === 0xcb && at + 9 <= end) {
      this.at = at + 9;
      return this.view.getFloat64(at + 1);
    }
    return NaN;
  }

  /** A name: a new ASCII string (added to the table) or a back-reference; null if neither. */
  private name(): string | null {
    const { b, end } = this;
    let at = this.at;
    if (at >= end) return null;
    const t = b[at] as number;
    let n: number;
    if ((t & 0xe0) === 0xa0) {
      n = t & 0x1f;
      at += 1;
    } else if (t === 0xd9 && at + 2 <= end) {
      n = b[at + 1] as number;
      at += 2;
    } else {
      const i = this.uint();
      return Number.isInteger(i) ? (this.table[i] ?? null) : null;
    }
    this.at = at;
    if (at + n > end) return null;
    for (let i = at; i < at + n; i++) if ((b[i] as number) >= 0x80) return null;
    const s = latin1(b, at, at + n);
    this.at = at + n;
    this.table.push(s);
    return s;
  }

  /** The byte length after a bin8/16/32 header (the reader then at the payload); NaN if no bin header. */
  private binLength(): number {
    const { b, at, end } = this;
    if (at >= end) return NaN;
    const t = b[at] as number;
    if (t === 0xc4 && at + 2 <= end) {
      this.at = at + 2;
      return b[at + 1] as number;
    }
    if (t === 0xc5 && at + 3 <= end) {
      this.at = at + 3;
      return this.view.getUint16(at + 1);
    }
    if (t === 0xc6 && at + 5 <= end) {
      this.at = at + 5;
      return this.view.getUint32(at + 1);
    }
    return NaN;
  }
}

/** ASCII bytes as one flat string (checked < 0x80 by the caller). */
function latin1(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("latin1");
}

function isSeq(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}

import { Packr } from "msgpackr";
import type { Digest } from "./digest.js";

// Bus records (docs/protocol.md) written by hand: the per-digest hot path of every push.
// Headers, rare, go through msgpackr like everything else in the bus codec.
const packr = new Packr({ useRecords: false, variableMapSize: true, moreTypes: false });

/** UTF-8 bytes of the origin and type names records repeat (bounded: cleared when full). */
const STRING_CACHE_MAX = 4096;
const stringCache = new Map<string, Buffer>();

function utf8(s: string): Buffer {
  let b = stringCache.get(s);
  if (b === undefined) {
    if (stringCache.size >= STRING_CACHE_MAX) stringCache.clear();
    stringCache.set(s, (b = Buffer.from(s, "utf8")));
  }
  return b;
}

/**
 * Fills one message with records up to a byte budget. `tryAdd` refuses a
 * record that would overflow it; with `forceFirst` a first record is taken
 * even if it alone exceeds the budget (so any digest can always be sent).
 * Records are written as MessagePack by hand, straight into one buffer (the
 * forms msgpackr writes; any MessagePack decoder reads them): this is the
 * per-digest hot path of every push.
 */
export class BatchWriter {
  private buf: Buffer;
  private at: number;
  /** 1 when a channel byte leads the buffer (see `framed`), else 0. */
  private readonly base: number;
  private n = 0;
  /** Names already written in this message -> their index (a packet has ~2: no Map until a third). */
  private name0: string | null = null;
  private name1: string | null = null;
  private more: Map<string, number> | null = null;
  private names = 0;

  constructor(
    readonly kind: number,
    header?: Uint8Array,
    /** Expected size, to allocate once (a datagram budget); grows past it if needed. */
    sizeHint = 2048,
    /** Channel id to lead the buffer with, so `framed()` is ready for Channels.sendFramed without a copy. */
    channel?: number,
  ) {
    this.base = channel === undefined ? 0 : 1;
    this.buf = Buffer.allocUnsafe(Math.max(64, sizeHint + this.base, 2 + (header?.length ?? 0)));
    if (channel !== undefined) this.buf[0] = channel;
    this.buf[this.base] = kind;
    this.at = this.base + 1;
    if (header !== undefined) {
      this.buf.set(header, this.at);
      this.at += header.length;
    }
  }

  get count(): number {
    return this.n;
  }

  /** Bytes of the message (without the channel byte). */
  get size(): number {
    return this.at - this.base;
  }

  tryAdd(d: Digest, budget: number, forceFirst = false): boolean {
    const start = this.at;
    const o = this.indexOf(d.origin);
    const t = this.indexOf(d.type);
    const oBytes = o === undefined ? utf8(d.origin) : null;
    const tBytes = t === undefined ? utf8(d.type) : null;
    const headers = hasHeaders(d.headers) ? packr.pack(new Map(Object.entries(d.headers))) : null;
    // Upper bound of the record's size, so one check covers every write below.
    const most =
      1 +
      5 +
      (oBytes?.length ?? 0) +
      5 +
      (tBytes?.length ?? 0) +
      36 +
      5 +
      d.payload.length +
      (headers?.length ?? 0);
    this.reserve(most);
    const b = this.buf;
    let at = start;
    b[at++] = 0x90 | (headers === null ? 7 : 8);
    at = o === undefined ? writeStr(b, at, oBytes as Buffer) : writeUint(b, at, o);
    at = t === undefined ? writeStr(b, at, tBytes as Buffer) : writeUint(b, at, t);
    at = writeUint(b, at, d.epoch);
    at = writeUint(b, at, d.seq);
    at = writeUint(b, at, d.typeSeq);
    at = writeUint(b, at, d.publishTimeMs);
    at = writeBin(b, at, d.payload);
    if (headers !== null) {
      b.set(headers, at);
      at += headers.length;
    }
    if (at - this.base > budget && !(forceFirst && this.n === 0)) return false;
    // Every string written takes the next index on the reading side, even a repeat of the origin.
    if (o === undefined) this.remember(d.origin);
    if (t === undefined) this.remember(d.type);
    this.at = at;
    this.n++;
    return true;
  }

  private indexOf(name: string): number | undefined {
    if (name === this.name0) return 0;
    if (name === this.name1) return 1;
    return this.more?.get(name);
  }

  private remember(name: string): void {
    const i = this.names++;
    if (i === 0) this.name0 = name;
    else if (i === 1) this.name1 = name;
    else (this.more ??= new Map()).set(name, i);
  }

  /** The message (a view of the writer's buffer; the writer must not be used after). */
  finish(): Uint8Array {
    return this.buf.subarray(this.base, this.at);
  }

  /** The message led by its channel byte (constructed with `channel`). */
  framed(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }

  private reserve(more: number): void {
    if (this.at + more <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + more));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}

function hasHeaders(h: Record<string, string>): boolean {
  for (const _ in h) return true;
  return false;
}

/** A non-negative integer as msgpackr writes it: fixint, uint8/16/32, else float64 (exact below 2^53). */
function writeUint(b: Buffer, at: number, v: number): number {
  if (v < 0x80) {
    b[at] = v;
    return at + 1;
  }
  if (v < 0x100) {
    b[at] = 0xcc;
    b[at + 1] = v;
    return at + 2;
  }
  if (v < 0x10000) {
    b[at] = 0xcd;
    b.writeUInt16BE(v, at + 1);
    return at + 3;
  }
  if (v <= 0xffffffff) {
    b[at] = 0xce;
    b.writeUInt32BE(v, at + 1);
    return at + 5;
  }
  b[at] = 0xcb;
  b.writeDoubleBE(v, at + 1);
  return at + 9;
}

function writeStr(b: Buffer, at: number, s: Buffer): number {
  const n = s.length;
  if (n < 0x20) b[at++] = 0xa0 | n;
  else if (n < 0x100) {
    b[at++] = 0xd9;
    b[at++] = n;
  } else if (n < 0x10000) {
    b[at++] = 0xda;
    b.writeUInt16BE(n, at);
    at += 2;
  } else {
    b[at++] = 0xdb;
    b.writeUInt32BE(n, at);
    at += 4;
  }
  s.copy(b, at);
  return at + n;
}

function writeBin(b: Buffer, at: number, p: Uint8Array): number {
  const n = p.length;
  if (n < 0x100) {
    b[at++] = 0xc4;
    b[at++] = n;
  } else if (n < 0x10000) {
    b[at++] = 0xc5;
    b.writeUInt16BE(n, at);
    at += 2;
  } else {
    b[at++] = 0xc6;
    b.writeUInt32BE(n, at);
    at += 4;
  }
  b.set(p, at);
  return at + n;
}

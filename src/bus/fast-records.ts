import type { BusConfig } from "./config.js";
import { checkTypeName, NO_HEADERS, type Digest } from "./digest.js";

type Limits = Pick<BusConfig, "maxOriginBytes" | "maxTypeNameBytes" | "maxPayloadBytes">;

/** Max records in one message; the message's byte size bounds it long before this. */
export const MAX_RECORDS = 65_536;

/**
 * Reads a MessagePack sequence of bus records the way BatchWriter writes
 * them (6-element arrays, ASCII names or back-references, unsigned
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
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const end = b.length;
  const table: string[] = [];
  const digests: Digest[] = [];
  let refused = 0;
  let count = 0;
  // Names repeat: check each once per message.
  let okOrigin: string | null = null;
  let okType: string | null = null;
  let at = start;

  /** An unsigned integer (fixint, uint8/16/32, or an integral float64 as msgpackr writes large ones); NaN if none. */
  const uint = (): number => {
    if (at >= end) return NaN;
    const t = b[at] as number;
    if (t < 0x80) {
      at += 1;
      return t;
    }
    if (t === 0xcc && at + 2 <= end) {
      at += 2;
      return b[at - 1] as number;
    }
    if (t === 0xcd && at + 3 <= end) {
      at += 3;
      return view.getUint16(at - 2);
    }
    if (t === 0xce && at + 5 <= end) {
      at += 5;
      return view.getUint32(at - 4);
    }
    if (t === 0xcb && at + 9 <= end) {
      at += 9;
      return view.getFloat64(at - 8);
    }
    return NaN;
  };

  /** A name: a new ASCII string (added to the table) or a back-reference; null if neither. */
  const name = (): string | null => {
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
      const i = uint();
      return Number.isInteger(i) ? (table[i] ?? null) : null;
    }
    if (at + n > end) return null;
    for (let i = at; i < at + n; i++) if ((b[i] as number) >= 0x80) return null;
    const s = latin1(b, at, at + n);
    at += n;
    table.push(s);
    return s;
  };

  while (at < end) {
    if (++count > MAX_RECORDS) return null;
    if (b[at] !== 0x96) return null;
    at++;
    const o = name();
    const t = o === null ? null : name();
    if (o === null || t === null) return null;
    const seq = uint();
    const typeSeq = uint();
    const time = uint();
    if (Number.isNaN(seq) || Number.isNaN(typeSeq) || Number.isNaN(time) || at >= end) return null;
    const bt = b[at] as number;
    let n: number;
    if (bt === 0xc4 && at + 2 <= end) {
      n = b[at + 1] as number;
      at += 2;
    } else if (bt === 0xc5 && at + 3 <= end) {
      n = view.getUint16(at + 1);
      at += 3;
    } else if (bt === 0xc6 && at + 5 <= end) {
      n = view.getUint32(at + 1);
      at += 5;
    } else return null;
    if (at + n > end) return null;
    const p0 = at;
    at += n;
    // The checks of the msgpackr path's `record`, in its order.
    if (o !== okOrigin) {
      if (o.length === 0 || o.length > lim.maxOriginBytes) {
        refused++;
        continue;
      }
      okOrigin = o;
    }
    if (t !== okType) {
      if (!checkTypeName(t, lim).ok) {
        refused++;
        continue;
      }
      okType = t;
    }
    if (!isSeq(seq) || !isSeq(typeSeq) || typeSeq > seq) {
      refused++;
      continue;
    }
    if (!Number.isSafeInteger(time) || time < 0 || n > lim.maxPayloadBytes) {
      refused++;
      continue;
    }
    digests.push({
      origin: o,
      type: t,
      seq,
      typeSeq,
      publishTimeMs: time,
      // A view of the message: the bus copies the payloads it keeps (ownPayload).
      payload: new Uint8Array(b.buffer, b.byteOffset + p0, n),
      headers: NO_HEADERS as Record<string, string>,
    });
  }
  return { digests, refused };
}

/** ASCII bytes as one flat string (checked < 0x80 by the caller). */
function latin1(b: Uint8Array, from: number, to: number): string {
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("latin1");
}

function isSeq(v: number): boolean {
  return Number.isSafeInteger(v) && v >= 1;
}

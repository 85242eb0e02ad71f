import { Packr, Unpackr } from "msgpackr";
import type { BusConfig } from "./config.js";
import { checkHeaders, checkTypeName, NO_HEADERS, type Digest } from "./digest.js";
import { BatchWriter } from "./batch-writer.js";
import { fastRecords, MAX_RECORDS } from "./fast-records.js";

export { BatchWriter };

/**
 * Bus wire format (channel 1). A message is [kind u8][MessagePack body]. Push
 * batches and sync answers are a MessagePack *sequence* of records, so a
 * batch can be filled to an exact byte budget:
 *   record = [origin, type, epoch, seq, typeSeq, publishTimeMs, payload(bin), headers(map)?]
 * where origin and type are a string on first use in the message, then the
 * integer index of that string (in order of first use). Decoding never
 * throws: every length is bounded and every field is checked.
 */
export const Kind = {
  Push: 1,
  SyncReq: 2,
  SyncResp: 3,
  SeekReq: 4,
  SeekResp: 5,
  Ack: 6,
  DiscoverReq: 7,
  DiscoverResp: 8,
} as const;

/** A stream's state as one node advertises it. */
export interface Head {
  origin: string;
  epoch: number;
  type: string;
  /** Contiguous high-water mark (type sequence). */
  hwm: number;
  /** Everything at or below this type sequence is not held here (evicted or never had). */
  floor: number;
  /** Asking: send only up to this type sequence (the rest is held back already); 0 = no bound. */
  upTo: number;
}

export type BusMessage =
  | { kind: "push"; digests: Digest[]; refused: number }
  | { kind: "sync-req"; types: string[]; heads: Head[]; sender: string }
  | { kind: "sync-resp"; heads: Head[]; digests: Digest[]; refused: number }
  | {
      kind: "seek-req";
      origin: string;
      epoch: number;
      type: string;
      sinceAgoMs: number | null;
      afterTypeSeq: number | null;
    }
  | {
      kind: "seek-resp";
      found: boolean;
      afterTypeSeq: number;
      afterSeq: number;
      hwm: number;
      /** Where what was stored since the asker's interest began starts (live subscribers start there). */
      liveTypeSeq: number;
    }
  | { kind: "discover-req"; types: string[] }
  | { kind: "discover-resp"; heads: Head[] }
  | { kind: "ack" };

export type BusDecodeError = "empty" | "kind" | "malformed" | "limit";
export type BusDecodeResult = { ok: true; msg: BusMessage } | { ok: false; error: BusDecodeError };

export type CodecLimits = Pick<
  BusConfig,
  | "maxPayloadBytes"
  | "maxHeaders"
  | "maxHeaderBytes"
  | "maxTypeNameBytes"
  | "maxOriginBytes"
  | "maxSyncHeads"
  | "maxInterestTypes"
>;

const packr = new Packr({ useRecords: false, variableMapSize: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, moreTypes: false });

function frame(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = kind;
  out.set(body, 1);
  return out;
}

const headWire = (h: Head): unknown[] => [h.origin, h.epoch, h.type, h.hwm, h.floor, h.upTo];

/** `sender` is the asker's node name: over TCP its source address is an ephemeral port, not its member address. */
export function encodeSyncReq(types: string[], heads: Head[], sender: string): Uint8Array {
  return frame(Kind.SyncReq, packr.pack([types, heads.map(headWire), sender]));
}

/**
 * "Where does this stream start for me?": after `afterTypeSeq`, or (null) at
 * what the answerer stored since `sinceAgoMs` ago by ITS clock (no clock is
 * compared with another's), whichever is earlier.
 */
export function encodeSeekReq(
  origin: string,
  epoch: number,
  type: string,
  sinceAgoMs: number | null,
  afterTypeSeq: number | null,
) {
  return frame(Kind.SeekReq, packr.pack([origin, epoch, type, sinceAgoMs, afterTypeSeq]));
}

export function encodeSeekResp(
  found: boolean,
  afterTypeSeq: number,
  afterSeq: number,
  hwm: number,
  liveTypeSeq: number,
) {
  return frame(Kind.SeekResp, packr.pack([found, afterTypeSeq, afterSeq, hwm, liveTypeSeq]));
}

/** "Which streams of these types do you hold?" */
export function encodeDiscoverReq(types: string[]) {
  return frame(Kind.DiscoverReq, packr.pack(types));
}

export function encodeDiscoverResp(heads: Head[]) {
  return frame(Kind.DiscoverResp, packr.pack(heads.map(headWire)));
}

export const ACK = new Uint8Array([Kind.Ack]);

/** A sync answer starts with the responder's heads, then records. */
export function syncRespWriter(heads: Head[]): BatchWriter {
  return new BatchWriter(Kind.SyncResp, packr.pack(heads.map(headWire)));
}

/** Records decoded by msgpackr (any encoding); throws Invalid when the message is damaged. */
export function msgpackRecords(body: Uint8Array, lim: CodecLimits): { digests: Digest[]; refused: number } {
  return records(unpackr.unpackMultiple(body) as unknown[], lim);
}

class Invalid extends Error {
  constructor(readonly reason: BusDecodeError) {
    super(reason);
  }
}

/** Decodes one bus message (without the channel byte). Never throws. */
export function decodeBusMessage(data: Uint8Array, lim: CodecLimits): BusDecodeResult {
  if (data.length < 1) return { ok: false, error: "empty" };
  try {
    const body = data.subarray(1);
    switch (data[0]) {
      case Kind.Push: {
        const r = fastRecords(body, 0, lim) ?? msgpackRecords(body, lim);
        return { ok: true, msg: { kind: "push", digests: r.digests, refused: r.refused } };
      }
      case Kind.SyncResp: {
        const items = unpackr.unpackMultiple(body) as unknown[];
        const heads = decodeHeads(items[0], lim);
        const { digests, refused } = records(items.slice(1), lim);
        return { ok: true, msg: { kind: "sync-resp", heads, digests, refused } };
      }
      case Kind.SyncReq: {
        const f = fields(unpackr.unpack(body), 3);
        if (!Array.isArray(f[0])) throw new Invalid("malformed");
        if (f[0].length > lim.maxInterestTypes) throw new Invalid("limit");
        if (typeof f[2] !== "string" || Buffer.byteLength(f[2]) > lim.maxOriginBytes)
          throw new Invalid("malformed");
        const types = f[0].map((t: unknown) => typeName(t, lim));
        return { ok: true, msg: { kind: "sync-req", types, heads: decodeHeads(f[1], lim), sender: f[2] } };
      }
      case Kind.SeekReq: {
        const f = fields(unpackr.unpack(body), 5);
        const ago = f[3] === null ? null : uint(f[3]);
        const after = f[4] === null ? null : uint(f[4]);
        return {
          ok: true,
          msg: {
            kind: "seek-req",
            origin: origin(f[0], lim),
            epoch: epochOf(f[1]),
            type: typeName(f[2], lim),
            sinceAgoMs: ago,
            afterTypeSeq: after,
          },
        };
      }
      case Kind.DiscoverReq: {
        const f = unpackr.unpack(body) as unknown;
        if (!Array.isArray(f)) throw new Invalid("malformed");
        if (f.length > lim.maxInterestTypes) throw new Invalid("limit");
        return { ok: true, msg: { kind: "discover-req", types: f.map((t: unknown) => typeName(t, lim)) } };
      }
      case Kind.DiscoverResp:
        return { ok: true, msg: { kind: "discover-resp", heads: decodeHeads(unpackr.unpack(body), lim) } };
      case Kind.SeekResp: {
        const f = fields(unpackr.unpack(body), 5);
        if (typeof f[0] !== "boolean") throw new Invalid("malformed");
        return {
          ok: true,
          msg: {
            kind: "seek-resp",
            found: f[0],
            afterTypeSeq: uint(f[1]),
            afterSeq: uint(f[2]),
            hwm: uint(f[3]),
            liveTypeSeq: uint(f[4]),
          },
        };
      }
      case Kind.Ack:
        return { ok: true, msg: { kind: "ack" } };
      default:
        return { ok: false, error: "kind" };
    }
  } catch (err) {
    return { ok: false, error: err instanceof Invalid ? err.reason : "malformed" };
  }
}

function fields(v: unknown, n: number): unknown[] {
  if (!Array.isArray(v) || v.length !== n) throw new Invalid("malformed");
  return v;
}

function uint(v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw new Invalid("malformed");
  return v;
}

function epochOf(v: unknown): number {
  const e = uint(v);
  if (e < 1) throw new Invalid("malformed");
  return e;
}

function typeName(v: unknown, lim: CodecLimits): string {
  if (!checkTypeName(v, lim).ok) throw new Invalid(typeof v === "string" ? "limit" : "malformed");
  return v as string;
}

function origin(v: unknown, lim: CodecLimits): string {
  if (typeof v !== "string" || v.length === 0) throw new Invalid("malformed");
  if (Buffer.byteLength(v) > lim.maxOriginBytes) throw new Invalid("limit");
  return v;
}

function decodeHeads(v: unknown, lim: CodecLimits): Head[] {
  if (!Array.isArray(v)) throw new Invalid("malformed");
  if (v.length > lim.maxSyncHeads) throw new Invalid("limit");
  return v.map((e: unknown) => {
    const f = fields(e, 6);
    return {
      origin: origin(f[0], lim),
      epoch: epochOf(f[1]),
      type: typeName(f[2], lim),
      hwm: uint(f[3]),
      floor: uint(f[4]),
      upTo: uint(f[5]),
    };
  });
}

/**
 * Structural damage (not an array, a dangling string reference) refuses the
 * whole message; a record that is well-formed but out of limits is skipped
 * and counted in `refused`, its neighbours kept.
 */
function records(items: unknown[], lim: CodecLimits): { digests: Digest[]; refused: number } {
  if (items.length > MAX_RECORDS) throw new Invalid("limit");
  const table: string[] = [];
  const ref = (v: unknown): string => {
    if (typeof v === "string") {
      table.push(v);
      return v;
    }
    const s = typeof v === "number" ? table[v] : undefined;
    if (s === undefined) throw new Invalid("malformed");
    return s;
  };
  const digests: Digest[] = [];
  let refused = 0;
  // Records repeat a few names: check each once per message.
  const okOrigins = new Set<string>();
  const okTypes = new Set<string>();
  for (const item of items) {
    if (!Array.isArray(item) || item.length < 7 || item.length > 8) throw new Invalid("malformed");
    const o = ref(item[0]);
    const t = ref(item[1]);
    if (!okOrigins.has(o)) {
      if (o.length === 0 || Buffer.byteLength(o) > lim.maxOriginBytes) {
        refused++;
        continue;
      }
      okOrigins.add(o);
    }
    if (!okTypes.has(t)) {
      if (!checkTypeName(t, lim).ok) {
        refused++;
        continue;
      }
      okTypes.add(t);
    }
    const d = record(o, t, item, lim);
    if (d === null) refused++;
    else digests.push(d);
  }
  return { digests, refused };
}

/** One record whose origin `o` and type `t` are already checked. */
function record(o: string, t: string, f: unknown[], lim: CodecLimits): Digest | null {
  const [, , epoch, seq, typeSeq, time, payload, rawHeaders] = f;
  if (!isSeq(epoch) || !isSeq(seq) || !isSeq(typeSeq) || typeSeq > seq) return null;
  if (typeof time !== "number" || !Number.isSafeInteger(time) || time < 0) return null;
  if (!(payload instanceof Uint8Array) || payload.length > lim.maxPayloadBytes) return null;
  let headers = NO_HEADERS as Record<string, string>;
  if (rawHeaders !== undefined && !(rawHeaders instanceof Map && rawHeaders.size === 0)) {
    if (!(rawHeaders instanceof Map) || rawHeaders.size > lim.maxHeaders) return null;
    for (const k of rawHeaders.keys()) if (typeof k !== "string") return null;
    headers = Object.fromEntries(rawHeaders as Map<string, unknown>) as Record<string, string>;
    if (!checkHeaders(headers, lim).ok) return null;
  }
  // A view of the message (as a plain Uint8Array): the bus copies the payloads it keeps (ownPayload).
  const view = new Uint8Array(payload.buffer, payload.byteOffset, payload.length);
  return { origin: o, epoch, type: t, seq, typeSeq, publishTimeMs: time, payload: view, headers };
}

function isSeq(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 1;
}

import { Packr, Unpackr } from "msgpackr";
import {
  EMPTY_META,
  PROTOCOL_VERSION,
  STATUS_BY_CODE,
  STATUS_CODE,
  Tag,
  type Message,
  type NodeMeta,
  type PushNodeState,
} from "./messages.js";

/**
 * Wire codec. A frame is [version u8][tag u8][MessagePack body]; bodies are
 * positional arrays (see docs/protocol.md). A compound frame's body is an
 * array of bin parts, each [tag u8][body]. Decoding never throws: it returns
 * an error kind, and every string, map, array and byte length is bounded.
 */

export interface CodecLimits {
  /** Max parts in one compound frame. @default 64 */
  maxCompoundParts: number;
  /** Max bytes of a node name, address, error code or message. @default 256 */
  maxStringBytes: number;
  maxTags: number;
  /** Max bytes of one tag key or value. @default 512 */
  maxTagBytes: number;
  maxSections: number;
  maxNodeStateBytes: number;
  /** Max node entries in one push-pull message. */
  maxPushPullNodes: number;
  /** Max bytes of one user payload. */
  maxUserBytes: number;
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = {
  maxCompoundParts: 64,
  maxStringBytes: 256,
  maxTags: 64,
  maxTagBytes: 512,
  maxSections: 16,
  maxNodeStateBytes: 1024,
  maxPushPullNodes: 100_000,
  maxUserBytes: 8 * 1024 * 1024,
};

export type DecodeError = "empty" | "version" | "tag" | "malformed" | "limit";
export type DecodeResult = { ok: true; messages: Message[] } | { ok: false; error: DecodeError };

const packr = new Packr({ useRecords: false, variableMapSize: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, moreTypes: false });

/** Compound frame overhead: version, tag, array header (<= 3 B). */
export const COMPOUND_HEADER_BYTES = 5;
/** Per-part overhead in a compound frame: bin header (<= 3 B). */
export const COMPOUND_PART_OVERHEAD = 3;

function metaWire(m: NodeMeta): [Record<string, string>, Record<string, Uint8Array>] {
  return [m.tags as Record<string, string>, m.sections as Record<string, Uint8Array>];
}

function body(msg: Message): unknown[] {
  switch (msg.type) {
    case "ping":
      return [msg.seq, msg.target, msg.sourceName, msg.sourceAddr];
    case "indirect-ping":
      return [msg.seq, msg.target, msg.targetAddr, msg.wantNack, msg.sourceName, msg.sourceAddr];
    case "ack":
    case "nack":
      return [msg.seq];
    case "suspect":
    case "dead":
      return [msg.incarnation, msg.node, msg.from];
    case "alive":
      return [msg.incarnation, msg.node, msg.addr, ...metaWire(msg.meta)];
    case "push-pull":
      return [msg.join, msg.from, msg.nodes.map(nodeWire)];
    case "error":
      return [msg.code, msg.message];
    case "user":
      return [msg.payload];
  }
}

function nodeWire(n: PushNodeState): unknown[] {
  return [n.name, n.addr, n.incarnation, STATUS_CODE[n.status], ...metaWire(n.meta)];
}

const TAG_OF: Record<Message["type"], Tag> = {
  ping: Tag.Ping,
  "indirect-ping": Tag.IndirectPing,
  ack: Tag.Ack,
  nack: Tag.Nack,
  suspect: Tag.Suspect,
  alive: Tag.Alive,
  dead: Tag.Dead,
  "push-pull": Tag.PushPull,
  error: Tag.Error,
  user: Tag.User,
};

/** [tag][body]: one message without the version byte (a compound part). */
export function encodePart(msg: Message): Uint8Array {
  const b = packr.pack(body(msg));
  const out = new Uint8Array(b.length + 1);
  out[0] = TAG_OF[msg.type];
  out.set(b, 1);
  return out;
}

/** A complete single-message frame. */
export function encodeMessage(msg: Message): Uint8Array {
  return frameFromPart(encodePart(msg));
}

/** Adds the version byte to an encoded part. */
export function frameFromPart(part: Uint8Array): Uint8Array {
  const out = new Uint8Array(part.length + 1);
  out[0] = PROTOCOL_VERSION;
  out.set(part, 1);
  return out;
}

/** One frame carrying several parts; a single part is sent as a plain frame. */
export function encodeCompound(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return frameFromPart(parts[0] as Uint8Array);
  const b = packr.pack(parts);
  const out = new Uint8Array(b.length + 2);
  out[0] = PROTOCOL_VERSION;
  out[1] = Tag.Compound;
  out.set(b, 2);
  return out;
}

class Invalid extends Error {
  constructor(readonly kind: DecodeError) {
    super(kind);
  }
}

/** Decodes one frame (plain or compound). Never throws. */
export function decodeFrame(frame: Uint8Array, limits: CodecLimits = DEFAULT_CODEC_LIMITS): DecodeResult {
  if (frame.length < 2) return { ok: false, error: "empty" };
  if (frame[0] !== PROTOCOL_VERSION) return { ok: false, error: "version" };
  try {
    if (frame[1] !== Tag.Compound) return { ok: true, messages: [decodePart(frame.subarray(1), limits)] };
    const parts = unpackr.unpack(frame.subarray(2)) as unknown;
    if (!Array.isArray(parts)) throw new Invalid("malformed");
    if (parts.length > limits.maxCompoundParts) throw new Invalid("limit");
    return { ok: true, messages: parts.map((p) => decodePart(bin(p, Infinity), limits)) };
  } catch (err) {
    return { ok: false, error: err instanceof Invalid ? err.kind : "malformed" };
  }
}

function decodePart(part: Uint8Array, lim: CodecLimits): Message {
  if (part.length < 1) throw new Invalid("empty");
  const tag = part[0];
  if (tag === Tag.Compound || tag === undefined || tag < Tag.Ping || tag > Tag.User) throw new Invalid("tag");
  const f = unpackr.unpack(part.subarray(1)) as unknown;
  if (!Array.isArray(f)) throw new Invalid("malformed");
  const s = (i: number): string => str(f[i], lim.maxStringBytes);
  switch (tag) {
    case Tag.Ping:
      arity(f, 4);
      return { type: "ping", seq: u32(f[0]), target: s(1), sourceName: s(2), sourceAddr: s(3) };
    case Tag.IndirectPing:
      arity(f, 6);
      return {
        type: "indirect-ping",
        seq: u32(f[0]),
        target: s(1),
        targetAddr: s(2),
        wantNack: bool(f[3]),
        sourceName: s(4),
        sourceAddr: s(5),
      };
    case Tag.Ack:
    case Tag.Nack:
      arity(f, 1);
      return { type: tag === Tag.Ack ? "ack" : "nack", seq: u32(f[0]) };
    case Tag.Suspect:
    case Tag.Dead:
      arity(f, 3);
      return { type: tag === Tag.Dead ? "dead" : "suspect", incarnation: u32(f[0]), node: s(1), from: s(2) };
    case Tag.Alive:
      arity(f, 5);
      return { type: "alive", incarnation: u32(f[0]), node: s(1), addr: s(2), meta: meta(f[3], f[4], lim) };
    case Tag.PushPull:
      return decodePushPull(f, lim);
    case Tag.Error:
      arity(f, 2);
      return { type: "error", code: s(0), message: s(1) };
    default:
      arity(f, 1);
      return { type: "user", payload: bin(f[0], lim.maxUserBytes) };
  }
}

function decodePushPull(f: unknown[], lim: CodecLimits): Message {
  arity(f, 3);
  const list = f[2];
  if (!Array.isArray(list)) throw new Invalid("malformed");
  if (list.length > lim.maxPushPullNodes) throw new Invalid("limit");
  const nodes = list.map((e: unknown): PushNodeState => {
    if (!Array.isArray(e)) throw new Invalid("malformed");
    arity(e, 6);
    const status = STATUS_BY_CODE[u32(e[3])];
    if (status === undefined) throw new Invalid("malformed");
    return {
      name: str(e[0], lim.maxStringBytes),
      addr: str(e[1], lim.maxStringBytes),
      incarnation: u32(e[2]),
      status,
      meta: meta(e[4], e[5], lim),
    };
  });
  return { type: "push-pull", join: bool(f[0]), from: str(f[1], lim.maxStringBytes), nodes };
}

function arity(f: unknown[], n: number): void {
  if (f.length !== n) throw new Invalid("malformed");
}

function u32(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    throw new Invalid("malformed");
  return v;
}

function bool(v: unknown): boolean {
  if (typeof v !== "boolean") throw new Invalid("malformed");
  return v;
}

function str(v: unknown, maxBytes: number): string {
  if (typeof v !== "string") throw new Invalid("malformed");
  if (v.length > maxBytes || Buffer.byteLength(v) > maxBytes) throw new Invalid("limit");
  return v;
}

function bin(v: unknown, maxBytes: number): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new Invalid("malformed");
  if (v.length > maxBytes) throw new Invalid("limit");
  return v;
}

function meta(tagsRaw: unknown, sectionsRaw: unknown, lim: CodecLimits): NodeMeta {
  if (!(tagsRaw instanceof Map) || !(sectionsRaw instanceof Map)) throw new Invalid("malformed");
  if (tagsRaw.size > lim.maxTags || sectionsRaw.size > lim.maxSections) throw new Invalid("limit");
  let total = 0;
  const tags: Array<[string, string]> = [];
  for (const [k, v] of tagsRaw as Map<unknown, unknown>) {
    const key = str(k, lim.maxTagBytes);
    const val = str(v, lim.maxTagBytes);
    total += Buffer.byteLength(key) + Buffer.byteLength(val);
    tags.push([key, val]);
  }
  const sections: Array<[string, Uint8Array]> = [];
  for (const [k, v] of sectionsRaw as Map<unknown, unknown>) {
    const key = str(k, lim.maxStringBytes);
    const val = bin(v, lim.maxNodeStateBytes);
    total += Buffer.byteLength(key) + val.length;
    sections.push([key, val]);
  }
  if (total > lim.maxNodeStateBytes) throw new Invalid("limit");
  // Most members carry nothing: share one frozen empty meta instead of two objects per member.
  if (tags.length === 0 && sections.length === 0) return EMPTY_META;
  return { tags: Object.fromEntries(tags), sections: Object.fromEntries(sections) };
}

/** Encoded size of a node's tags + sections, as counted against maxNodeStateBytes. */
export function metaSize(m: NodeMeta): number {
  let total = 0;
  for (const [k, v] of Object.entries(m.tags)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  for (const [k, v] of Object.entries(m.sections)) total += Buffer.byteLength(k) + v.length;
  return total;
}

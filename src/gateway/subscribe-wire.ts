// Subscribe responses encoded by hand: the per-digest hot path of every
// subscriber stream. The generated encoder builds a proto object per digest
// (two BigInts, an id string, a headers copy) and then walks it; this writes
// the same protobuf bytes straight from the bus digest into one buffer.
import { GatewayService, type SubscribeResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { BusDigest, SubscriptionItem } from "./digest-bus.js";

type DigestItem = Extract<SubscriptionItem, { kind: "digest" }>;

/**
 * hearsay.v1.Gateway with Subscribe responses that may be written pre-encoded:
 * a Buffer passes through as the message bytes, anything else is encoded as
 * a SubscribeResponse. Serve this definition, not GatewayService, so that
 * `streamSubscription` can write `encodeDigestBatch` output.
 */
export const GatewayServiceWithRawSubscribe = {
  ...GatewayService,
  subscribe: {
    ...GatewayService.subscribe,
    responseSerialize: (value: SubscribeResponse | Buffer): Buffer =>
      Buffer.isBuffer(value) ? value : GatewayService.subscribe.responseSerialize(value),
  },
};

/** UTF-8 of the type and origin names digests repeat (bounded: cleared when full). */
const UTF8_CACHE_MAX = 4096;
const utf8Cache = new Map<string, Buffer>();

function utf8(s: string): Buffer {
  let b = utf8Cache.get(s);
  if (b === undefined) {
    if (utf8Cache.size >= UTF8_CACHE_MAX) utf8Cache.clear();
    utf8Cache.set(s, (b = Buffer.from(s, "utf8")));
  }
  return b;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeVarint(b: Buffer, at: number, v: number): number {
  while (v >= 128) {
    b[at++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  b[at++] = v;
  return at;
}

/** Tag + length + bytes of a length-delimited field. */
function lenField(n: number): number {
  return 1 + varintSize(n) + n;
}

function writeBytes(b: Buffer, at: number, tag: number, bytes: Uint8Array): number {
  b[at++] = tag;
  at = writeVarint(b, at, bytes.length);
  b.set(bytes, at);
  return at + bytes.length;
}

/** Size of a string field's value (UTF-8), cached for type and origin names. */
function strLen(s: string): number {
  return s.length < 64 ? utf8(s).length : Buffer.byteLength(s);
}

/** A name (type, origin): short ones from the cache. */
function writeName(b: Buffer, at: number, tag: number, s: string): number {
  return s.length < 64 ? writeBytes(b, at, tag, utf8(s)) : writeStr(b, at, tag, s);
}

function writeStr(b: Buffer, at: number, tag: number, s: string): number {
  const n = Buffer.byteLength(s);
  b[at++] = tag;
  at = writeVarint(b, at, n);
  return at + b.write(s, at, n, "utf8");
}

/** Size of a headers map entry message (key = 1, value = 2; empty strings omitted). */
function entryLen(k: string, v: string): number {
  const kl = Buffer.byteLength(k);
  const vl = Buffer.byteLength(v);
  return (kl > 0 ? lenField(kl) : 0) + (vl > 0 ? lenField(vl) : 0);
}

/** Size of the id "origin:epoch:seq" (numbers in ASCII digits). */
function idLen(d: BusDigest): number {
  return strLen(d.origin) + 2 + String(d.epoch).length + String(d.seq).length;
}

/** Size of a `hearsay.v1.Digest`: fields as the generated encoder writes them (proto3 defaults omitted). */
function digestLen(d: BusDigest, json: string | undefined): number {
  let n = 0;
  if (d.type.length > 0) n += lenField(strLen(d.type));
  if (d.payload.length > 0) n += lenField(d.payload.length);
  if (d.origin.length > 0) n += lenField(strLen(d.origin));
  if (d.seq !== 0) n += 1 + varintSize(d.seq);
  const time = Math.floor(d.publishTimeMs);
  if (time !== 0) n += 1 + varintSize(time);
  for (const k in d.headers) n += lenField(entryLen(k, d.headers[k] as string));
  n += lenField(idLen(d));
  if (json !== undefined) n += lenField(Buffer.byteLength(json));
  if (d.epoch !== 0) n += 1 + varintSize(d.epoch);
  if (d.typeSeq !== 0) n += 1 + varintSize(d.typeSeq);
  return n;
}

function writeDigest(b: Buffer, at: number, d: BusDigest, json: string | undefined): number {
  if (d.type.length > 0) at = writeName(b, at, (1 << 3) | 2, d.type);
  if (d.payload.length > 0) at = writeBytes(b, at, (2 << 3) | 2, d.payload);
  if (d.origin.length > 0) at = writeName(b, at, (3 << 3) | 2, d.origin);
  if (d.seq !== 0) {
    b[at++] = 4 << 3;
    at = writeVarint(b, at, d.seq);
  }
  const time = Math.floor(d.publishTimeMs);
  if (time !== 0) {
    b[at++] = 5 << 3;
    at = writeVarint(b, at, time);
  }
  for (const k in d.headers) {
    const v = d.headers[k] as string;
    b[at++] = (6 << 3) | 2;
    at = writeVarint(b, at, entryLen(k, v));
    if (k.length > 0) at = writeStr(b, at, (1 << 3) | 2, k);
    if (v.length > 0) at = writeStr(b, at, (2 << 3) | 2, v);
  }
  b[at++] = (7 << 3) | 2;
  at = writeVarint(b, at, idLen(d));
  at += d.origin.length < 64 ? utf8(d.origin).copy(b, at) : b.write(d.origin, at, "utf8");
  b[at++] = 0x3a; // ":"
  at += b.write(String(d.epoch), at, "latin1");
  b[at++] = 0x3a;
  at += b.write(String(d.seq), at, "latin1");
  if (json !== undefined) at = writeStr(b, at, (8 << 3) | 2, json);
  if (d.epoch !== 0) {
    b[at++] = 9 << 3;
    at = writeVarint(b, at, d.epoch);
  }
  if (d.typeSeq !== 0) {
    b[at++] = 10 << 3;
    at = writeVarint(b, at, d.typeSeq);
  }
  return at;
}

/**
 * Writes runs of queued digests as `SubscribeResponse { batch: DigestBatch { digests } }` protobuf
 * bytes, the same the generated encoder writes for the proto digests DigestService would build,
 * each response bounded by a count and a byte budget. One per subscription: its arrays are reused,
 * so a response allocates only its output buffer.
 */
export class SubscribeBatchEncoder {
  /** Index after the last item the last `encode` took. */
  end = 0;
  /** The last `encode` stopped at the byte budget while its run had digests left. */
  cutByBytes = false;
  /** Digests the last `encode` sent without their JSON: with it they alone would pass `maxMessageBytes`. */
  jsonOmitted = 0;
  private readonly sizes: number[] = [];
  private readonly jsons: Array<string | undefined> = [];

  constructor(
    /** Renders a payload as JSON when the subscriber asked for it, else null. */
    private readonly json: ((d: BusDigest) => string | undefined) | null,
    /** Budget of one response, bytes: a response ends before the digest that would pass it. */
    private readonly maxBatchBytes: number,
    /** Largest message the transport sends, bytes (grpc.max_send_message_length). */
    private readonly maxMessageBytes: number,
  ) {}

  /**
   * One response holding the digests at `items[from..]`: at most `max`, up to the first gap notice,
   * and no more than fit in the budget, but always at least one (a digest larger than the budget goes
   * alone). Sets `end`, `cutByBytes` and `jsonOmitted`. `items[from]` must be a digest.
   */
  encode(items: readonly SubscriptionItem[], from: number, max: number): Buffer {
    const sizes = this.sizes;
    const jsons = this.jsons;
    const stop = Math.min(items.length, from + max);
    let batchLen = 0;
    let k = 0;
    this.cutByBytes = false;
    this.jsonOmitted = 0;
    for (let i = from; i < stop; i++) {
      const item = items[i] as SubscriptionItem;
      if (item.kind !== "digest") break;
      const d = item.digest;
      let json = this.json === null ? undefined : this.json(d);
      let n = digestLen(d, json);
      // Its rendering (up to ~6x a payload) would end the stream: the payload alone still fits.
      const omitJson = json !== undefined && lenField(lenField(n)) > this.maxMessageBytes;
      if (omitJson) {
        json = undefined;
        n = digestLen(d, undefined);
      }
      if (k > 0 && lenField(batchLen + lenField(n)) > this.maxBatchBytes) {
        this.cutByBytes = true;
        break;
      }
      // Counted once, in the response that carries the digest (a cut digest is looked at again).
      if (omitJson) this.jsonOmitted++;
      sizes[k] = n;
      jsons[k] = json;
      batchLen += lenField(n);
      k++;
    }
    this.end = from + k;
    const out = Buffer.allocUnsafe(lenField(batchLen));
    out[0] = (2 << 3) | 2; // SubscribeResponse.batch
    let at = writeVarint(out, 1, batchLen);
    for (let j = 0; j < k; j++) {
      out[at++] = (1 << 3) | 2; // DigestBatch.digests
      at = writeVarint(out, at, sizes[j] as number);
      at = writeDigest(out, at, (items[from + j] as DigestItem).digest, jsons[j]);
      jsons[j] = undefined; // hold no rendering past its response
    }
    return out;
  }
}

/**
 * All of `digests` as one `SubscribeResponse` batch, unbounded (for tests and tools; streams use
 * `SubscribeBatchEncoder`).
 */
export function encodeDigestBatch(
  digests: readonly BusDigest[],
  json: ((d: BusDigest) => string | undefined) | null,
): Buffer {
  const items = digests.map((digest): SubscriptionItem => ({ kind: "digest", digest }));
  return new SubscribeBatchEncoder(json, Infinity, Infinity).encode(items, 0, items.length);
}

import { type Check, fail, OK } from "../errors/index.js";
import type { BusConfig } from "./config.js";

/**
 * A digest. Ordering, dedup, contiguity, repair and cursors are per STREAM =
 * (origin, epoch, type): the order guarantee is per origin within a type
 * (an origin's epochs follow one another).
 */
export interface Digest {
  readonly type: string;
  readonly payload: Uint8Array;
  /** Node whose bus accepted the publish. */
  readonly origin: string;
  /**
   * The origin's log epoch (see log-store.ts newEpoch): chosen when its
   * retention log was created, so a restart without the data dir starts a
   * new, higher one and its sequences from 1 are never taken for old ones.
   */
  readonly epoch: number;
  /** Gapless per origin and epoch across all types, from 1; survives restarts that keep the log. */
  readonly seq: number;
  /** Gapless per stream (origin, epoch, type), from 1: what order, contiguity, repair, cursors and gaps run on. */
  readonly typeSeq: number;
  /** Origin's clock at publish, never decreasing per origin. */
  readonly publishTimeMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** `origin:epoch:seq`, unique in the overlay. */
export function digestId(d: Pick<Digest, "origin" | "epoch" | "seq">): string {
  return `${d.origin}:${d.epoch}:${d.seq}`;
}

/** Unambiguous map key of a stream (origin names may contain any character; the epoch is digits up to the ":"). */
export function streamKey(origin: string, epoch: number, type: string): string {
  return `${origin.length}:${origin}${epoch}:${type}`;
}

/** Map key of an origin's type across its epochs (cursor positions). */
export function originTypeKey(origin: string, type: string): string {
  return `${origin.length}:${origin}${type}`;
}

/** Payload copies up to SLAB_BYTES / 16 share slabs of this size. */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(0);
let slabAt = 0;

/**
 * A copy (a decoded payload is a view of the whole packet, which retention
 * must not pin), as a plain Uint8Array. Small ones are carved from shared 64
 * KiB slabs, like Node's Buffer pool but larger: one view object per digest
 * and one ArrayBuffer per few hundred, where an ArrayBuffer each made V8 run
 * full GCs for external memory pressure every second or two. Retention evicts
 * in arrival order, so a slab is freed soon after its last digest.
 */
export function copyBytes(p: Uint8Array): Uint8Array {
  const n = p.length;
  if (n > SLAB_BYTES / 16) {
    const own = new Uint8Array(n);
    own.set(p);
    return own;
  }
  if (slabAt + n > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + n);
  out.set(p);
  slabAt += (n + 7) & ~7;
  return out;
}

/**
 * Makes a received digest's payload its own copy. Decoders hand out fresh
 * digests whose payload is a view of the packet they came in (no copy for the
 * duplicates and drops a node discards); the bus calls this on the ones it
 * keeps (committed or held back), which only it has seen so far.
 */
export function ownPayload(d: Digest): void {
  (d as { payload: Uint8Array }).payload = copyBytes(d.payload);
}

/** Headers of a digest without any: one shared frozen object, not one per retained digest. */
export const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** The digest's own copy of published headers (NO_HEADERS when there are none). */
export function ownHeaders(h: Record<string, string> | undefined): Record<string, string> {
  if (h !== undefined) for (const _ in h) return { ...h };
  return NO_HEADERS as Record<string, string>;
}

/** Bytes a digest costs in retention and batch budgets (payload + type + headers). */
export function digestBytes(d: Digest): number {
  let n = d.payload.length + d.type.length + d.origin.length + 32;
  for (const k in d.headers) n += k.length + (d.headers[k] as string).length;
  return n;
}

/** A digest type name: 1..maxTypeNameBytes UTF-8 bytes, no control characters. */
export function checkTypeName(
  type: unknown,
  cfg: Pick<BusConfig, "maxTypeNameBytes">,
  field = "type",
): Check {
  if (typeof type !== "string" || type.length === 0)
    return fail("INVALID_ARGUMENT", `${field}: must be a non-empty string`);
  if (Buffer.byteLength(type) > cfg.maxTypeNameBytes)
    return fail("INVALID_ARGUMENT", `${field}: longer than ${cfg.maxTypeNameBytes} bytes (maxTypeNameBytes)`);
  if (hasControl(type)) return fail("INVALID_ARGUMENT", `${field}: contains control characters`);
  return OK;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Header limits: count, total key + value bytes, string keys and values. */
export function checkHeaders(headers: unknown, cfg: Pick<BusConfig, "maxHeaders" | "maxHeaderBytes">): Check {
  if (headers === undefined) return OK;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers))
    return fail("INVALID_ARGUMENT", "headers: must be a map of strings");
  const entries = Object.entries(headers as Record<string, unknown>);
  if (entries.length > cfg.maxHeaders)
    return fail(
      "RESOURCE_EXHAUSTED",
      `headers: ${entries.length} entries exceed maxHeaders (${cfg.maxHeaders})`,
    );
  let bytes = 0;
  for (const [k, v] of entries) {
    if (typeof v !== "string")
      return fail("INVALID_ARGUMENT", `headers["${k.slice(0, 64)}"]: value must be a string`);
    if (k.length === 0) return fail("INVALID_ARGUMENT", "headers: empty key");
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (bytes > cfg.maxHeaderBytes)
    return fail(
      "RESOURCE_EXHAUSTED",
      `headers: ${bytes} bytes exceed maxHeaderBytes (${cfg.maxHeaderBytes})`,
    );
  return OK;
}

export interface PublishInput {
  type: string;
  payload: Uint8Array;
  headers?: Record<string, string>;
}

/** Everything publish refuses, with a message naming the field and the limit. */
export function checkPublish(input: PublishInput, cfg: BusConfig): Check {
  if (typeof input !== "object" || input === null)
    return fail("INVALID_ARGUMENT", "publish: expected { type, payload }");
  const t = checkTypeName(input.type, cfg);
  if (!t.ok) return t;
  if (!(input.payload instanceof Uint8Array)) return fail("INVALID_ARGUMENT", "payload: must be bytes");
  if (input.payload.length > cfg.maxPayloadBytes)
    return fail(
      "RESOURCE_EXHAUSTED",
      `payload: ${input.payload.length} bytes exceed the maximum digest size of ${cfg.maxPayloadBytes} bytes (maxPayloadBytes)`,
    );
  return checkHeaders(input.headers, cfg);
}

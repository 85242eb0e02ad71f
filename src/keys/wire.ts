import { pack, unpack } from "msgpackr";

/**
 * Keyring operations between members on overlay channel 3. A request is
 * `[1, op, key | null]`, a reply `[1, ok, error, keys]` (plain MessagePack,
 * keys as raw bytes, primary first). Every field is checked and bounded on
 * decode; hostile input comes back as an error, never an exception.
 */
export const KEYS_WIRE_VERSION = 1;

export type KeyOp = "list" | "install" | "use" | "remove";

export interface KeyOpRequest {
  op: KeyOp;
  /** The key; null for "list". */
  key: Uint8Array | null;
}

export interface KeyOpReply {
  ok: boolean;
  /** Why not, when ok is false; "" otherwise. */
  error: string;
  /** The member's keys after the operation, primary first. */
  keys: Uint8Array[];
}

/** Bounds on what a peer may send. */
export const KEYS_WIRE_LIMITS = {
  /** Largest request, bytes: one 32-byte key plus framing. */
  maxRequestBytes: 256,
  /** Largest reply, bytes: MAX_KEYS keys plus an error text. */
  maxReplyBytes: 4096,
  /** Most keys a member may hold (and report). */
  maxKeys: 16,
  /** Longest error text kept from a reply, characters. */
  maxErrorChars: 512,
  /** Largest key accepted on the wire, bytes (the keyring checks the exact length). */
  maxKeyBytes: 64,
} as const;

const OPS: readonly KeyOp[] = ["list", "install", "use", "remove"];

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

export function encodeKeyRequest(r: KeyOpRequest): Uint8Array {
  return pack([KEYS_WIRE_VERSION, OPS.indexOf(r.op), r.key === null ? null : Buffer.from(r.key)]);
}

export function encodeKeyReply(r: KeyOpReply): Uint8Array {
  return pack([KEYS_WIRE_VERSION, r.ok, r.error, r.keys.map((k) => Buffer.from(k))]);
}

export function decodeKeyRequest(bytes: Uint8Array): Decoded<KeyOpRequest> {
  const raw = unpackBounded(bytes, KEYS_WIRE_LIMITS.maxRequestBytes, 3);
  if (!raw.ok) return raw;
  const [version, op, key] = raw.value;
  if (version !== KEYS_WIRE_VERSION) return { ok: false, error: `unsupported version ${String(version)}` };
  if (typeof op !== "number" || OPS[op] === undefined) return { ok: false, error: "unknown operation" };
  if (key !== null && !isKey(key)) return { ok: false, error: "bad key field" };
  if ((OPS[op] === "list") !== (key === null)) return { ok: false, error: "key field does not fit op" };
  return { ok: true, value: { op: OPS[op]!, key: key === null ? null : Uint8Array.from(key as Uint8Array) } };
}

export function decodeKeyReply(bytes: Uint8Array): Decoded<KeyOpReply> {
  const raw = unpackBounded(bytes, KEYS_WIRE_LIMITS.maxReplyBytes, 4);
  if (!raw.ok) return raw;
  const [version, ok, error, keys] = raw.value;
  if (version !== KEYS_WIRE_VERSION) return { ok: false, error: `unsupported version ${String(version)}` };
  if (typeof ok !== "boolean" || typeof error !== "string") return { ok: false, error: "bad reply" };
  if (!Array.isArray(keys) || keys.length > KEYS_WIRE_LIMITS.maxKeys || !keys.every(isKey)) {
    return { ok: false, error: "bad key list" };
  }
  return {
    ok: true,
    value: {
      ok,
      error: error.slice(0, KEYS_WIRE_LIMITS.maxErrorChars),
      keys: (keys as Uint8Array[]).map((k) => Uint8Array.from(k)),
    },
  };
}

/** A MessagePack array of exactly `arity` items, at most `max` bytes. */
function unpackBounded(bytes: Uint8Array, max: number, arity: number): Decoded<unknown[]> {
  if (bytes.length > max) return { ok: false, error: `message larger than ${max} bytes` };
  let raw: unknown;
  try {
    raw = unpack(bytes);
  } catch {
    return { ok: false, error: "not msgpack" };
  }
  if (!Array.isArray(raw) || raw.length !== arity) {
    return { ok: false, error: "not a keyring message" };
  }
  return { ok: true, value: raw };
}

function isKey(v: unknown): boolean {
  return v instanceof Uint8Array && v.length > 0 && v.length <= KEYS_WIRE_LIMITS.maxKeyBytes;
}

/**
 * Multicast beacon wire format, version 1 (documented in src/discovery/README.md):
 *
 *   magic "HB" (0x48 0x42) | version u8 = 1 | flags u8 (bit 0: sealed) | cluster length u8 | cluster UTF-8
 *   | body
 *
 * body = payload, or when sealed the keyring's AES-256-GCM envelope of it ([0xE1][nonce 12][ciphertext]
 * [tag 16]) with "hearsay-beacon/1/" + cluster as the authenticated label, so the header cannot be
 * altered and a beacon of another cluster or key never opens.
 *
 * payload = node length u8 | node UTF-8 | address length u8 | gossip address "host:port" |
 *           members u16 big-endian (live members the sender sees, itself included; saturates at 65535)
 *
 * Every length is checked before it is read; decoding never throws.
 */

export const BEACON_MAGIC_0 = 0x48;
export const BEACON_MAGIC_1 = 0x42;
export const BEACON_VERSION = 1;
export const FLAG_SEALED = 0x01;
/** Longest cluster name, node name and address, bytes. */
export const MAX_FIELD_BYTES = 128;
/** Largest beacon accepted; a valid one is at most ~450 bytes. */
export const MAX_BEACON_BYTES = 512;
const HEADER_BYTES = 5;

/** What a beacon says: who sent it, where it gossips, how big its side of the cluster is. */
export interface Beacon {
  cluster: string;
  node: string;
  address: string;
  members: number;
}

/** The cluster keys, as the overlay's Keyring offers them: the primary seals, any installed key opens. */
export interface BeaconKeys {
  readonly enabled: boolean;
  seal(plaintext: Uint8Array, label: string): Uint8Array;
  open(envelope: Uint8Array, label: string): { ok: true; plaintext: Uint8Array } | { ok: false };
}

/** Why a datagram was not a beacon we may act on (metric label `reason`). */
export type BeaconDrop =
  | "oversized"
  | "truncated"
  | "bad-magic"
  | "bad-version"
  | "malformed"
  | "other-cluster"
  /** Sealed, but this node has no keyring. */
  | "no-key"
  /** Plaintext, but this node's cluster is encrypted. */
  | "unsealed"
  /** Sealed under a key this node does not hold (or tampered with). */
  | "bad-auth";

export type DecodeBeaconResult = { ok: true; beacon: Beacon } | { ok: false; reason: BeaconDrop };

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ADDRESS_RE = /^(?:\[[0-9a-fA-F:.]+(?:%[\w.-]+)?\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const enc = new TextEncoder();

export const sealLabel = (cluster: string): string => `hearsay-beacon/${BEACON_VERSION}/${cluster}`;

/** Encodes a beacon; sealed with the primary key when `keys` holds one. Fields must be within limits. */
export function encodeBeacon(b: Beacon, keys: BeaconKeys | null): Uint8Array {
  const cluster = enc.encode(b.cluster);
  const node = enc.encode(b.node);
  const address = enc.encode(b.address);
  for (const f of [cluster, node, address]) {
    if (f.length === 0 || f.length > MAX_FIELD_BYTES)
      throw new Error("beacon: field of 1-128 bytes expected");
  }
  const payload = new Uint8Array(2 + node.length + address.length + 2);
  payload[0] = node.length;
  payload.set(node, 1);
  payload[1 + node.length] = address.length;
  payload.set(address, 2 + node.length);
  const members = Math.max(0, Math.min(0xffff, Math.floor(b.members)));
  payload[payload.length - 2] = members >> 8;
  payload[payload.length - 1] = members & 0xff;
  const sealed = keys !== null && keys.enabled;
  const body = sealed ? keys.seal(payload, sealLabel(b.cluster)) : payload;
  const out = new Uint8Array(HEADER_BYTES + cluster.length + body.length);
  out.set([BEACON_MAGIC_0, BEACON_MAGIC_1, BEACON_VERSION, sealed ? FLAG_SEALED : 0, cluster.length]);
  out.set(cluster, HEADER_BYTES);
  out.set(body, HEADER_BYTES + cluster.length);
  return out;
}

/**
 * Decodes a datagram as a beacon of `cluster`. A node with keys accepts only beacons sealed under one
 * of them; a node without keys only plaintext ones (its gossip could not talk to the other kind anyway).
 */
export function decodeBeacon(data: Uint8Array, cluster: string, keys: BeaconKeys | null): DecodeBeaconResult {
  if (data.length > MAX_BEACON_BYTES) return drop("oversized");
  if (data.length < HEADER_BYTES) return drop("truncated");
  if (data[0] !== BEACON_MAGIC_0 || data[1] !== BEACON_MAGIC_1) return drop("bad-magic");
  if (data[2] !== BEACON_VERSION) return drop("bad-version");
  const flags = data[3]!;
  if ((flags & ~FLAG_SEALED) !== 0) return drop("malformed");
  const clusterLen = data[4]!;
  if (clusterLen === 0 || clusterLen > MAX_FIELD_BYTES) return drop("malformed");
  const bodyAt = HEADER_BYTES + clusterLen;
  if (data.length < bodyAt) return drop("truncated");
  if (!bytesEqual(data.subarray(HEADER_BYTES, bodyAt), enc.encode(cluster))) return drop("other-cluster");
  const sealed = (flags & FLAG_SEALED) !== 0;
  const encrypted = keys !== null && keys.enabled;
  if (sealed && !encrypted) return drop("no-key");
  if (!sealed && encrypted) return drop("unsealed");
  let payload = data.subarray(bodyAt);
  if (sealed) {
    const opened = keys!.open(payload, sealLabel(cluster));
    if (!opened.ok) return drop("bad-auth");
    payload = opened.plaintext;
  }
  return decodePayload(payload, cluster);
}

function decodePayload(p: Uint8Array, cluster: string): DecodeBeaconResult {
  let at = 0;
  const field = (): string | null | undefined => {
    if (at >= p.length) return undefined;
    const n = p[at]!;
    if (n === 0 || n > MAX_FIELD_BYTES) return null;
    if (at + 1 + n > p.length) return undefined;
    const bytes = p.subarray(at + 1, at + 1 + n);
    at += 1 + n;
    try {
      return utf8.decode(bytes);
    } catch {
      return null;
    }
  };
  const node = field();
  const address = node ? field() : node;
  if (node === undefined || address === undefined) return drop("truncated");
  if (node === null || address === null) return drop("malformed");
  if (p.length < at + 2) return drop("truncated");
  if (p.length > at + 2) return drop("malformed");
  if (!NAME_RE.test(node) || !validAddress(address)) return drop("malformed");
  const members = (p[at]! << 8) | p[at + 1]!;
  return { ok: true, beacon: { cluster, node, address, members } };
}

function validAddress(a: string): boolean {
  const m = ADDRESS_RE.exec(a);
  if (!m) return false;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const drop = (reason: BeaconDrop): DecodeBeaconResult => ({ ok: false, reason });

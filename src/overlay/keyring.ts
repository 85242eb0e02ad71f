import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM envelope: [0xE1][nonce 12][ciphertext][tag 16]. The cluster label
 * (UTF-8) is the additional authenticated data, so clusters with different
 * labels cannot read or inject each other's traffic. The primary key encrypts;
 * every installed key is tried on decrypt, which is what lets a key rotate
 * (install everywhere -> use everywhere -> remove old) without a dropped packet.
 */
export const ENVELOPE_MARKER = 0xe1;
export const NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;
export const KEY_BYTES = 32;
/** Bytes an envelope adds to a frame. */
export const ENCRYPTION_OVERHEAD = 1 + NONCE_BYTES + GCM_TAG_BYTES;

export type KeyringError = "bad-key-length" | "unknown-key" | "primary-key" | "empty";
export type OpenResult =
  | { ok: true; plaintext: Uint8Array; nonce: Uint8Array }
  | { ok: false; error: "not-encrypted" | "truncated" | "no-key-matched" };

export class Keyring {
  private keys: Buffer[] = [];

  /** First key is primary. Throws at the edge (start-up config) on a bad key. */
  constructor(keys: Uint8Array[] = []) {
    for (const k of keys) {
      const r = this.install(k);
      if (r !== null) throw new Error(`keyring: ${r}`);
    }
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** Copies of the keys, primary first. */
  list(): Uint8Array[] {
    return this.keys.map((k) => Uint8Array.from(k));
  }

  primary(): Uint8Array | undefined {
    const k = this.keys[0];
    return k === undefined ? undefined : Uint8Array.from(k);
  }

  /** Adds a key used for decryption; the first key installed becomes primary. */
  install(key: Uint8Array): KeyringError | null {
    if (key.length !== KEY_BYTES) return "bad-key-length";
    if (this.indexOf(key) < 0) this.keys.push(Buffer.from(key));
    return null;
  }

  /** Makes an installed key the one that encrypts. */
  use(key: Uint8Array): KeyringError | null {
    const i = this.indexOf(key);
    if (i < 0) return "unknown-key";
    const [k] = this.keys.splice(i, 1);
    this.keys.unshift(k as Buffer);
    return null;
  }

  /** Removes a non-primary key. */
  remove(key: Uint8Array): KeyringError | null {
    const i = this.indexOf(key);
    if (i < 0) return "unknown-key";
    if (i === 0) return "primary-key";
    this.keys.splice(i, 1);
    return null;
  }

  /** Encrypts with the primary key under a fresh random 96-bit nonce. */
  seal(plaintext: Uint8Array, label: string): Uint8Array {
    const key = this.keys[0];
    if (key === undefined) throw new Error("keyring: seal without a key");
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv("aes-256-gcm", key, nonce);
    c.setAAD(aad(label));
    const body = Buffer.concat([c.update(plaintext), c.final()]);
    const out = new Uint8Array(ENCRYPTION_OVERHEAD + body.length);
    out[0] = ENVELOPE_MARKER;
    out.set(nonce, 1);
    out.set(body, 1 + NONCE_BYTES);
    out.set(c.getAuthTag(), 1 + NONCE_BYTES + body.length);
    return out;
  }

  /** Tries every key; never throws. */
  open(envelope: Uint8Array, label: string): OpenResult {
    if (envelope[0] !== ENVELOPE_MARKER) return { ok: false, error: "not-encrypted" };
    if (envelope.length < ENCRYPTION_OVERHEAD) return { ok: false, error: "truncated" };
    const nonce = envelope.subarray(1, 1 + NONCE_BYTES);
    const body = envelope.subarray(1 + NONCE_BYTES, envelope.length - GCM_TAG_BYTES);
    const tag = envelope.subarray(envelope.length - GCM_TAG_BYTES);
    const ad = aad(label);
    for (const key of this.keys) {
      try {
        const d = createDecipheriv("aes-256-gcm", key, nonce);
        d.setAAD(ad);
        d.setAuthTag(tag);
        const plaintext = Buffer.concat([d.update(body), d.final()]);
        return { ok: true, plaintext, nonce };
      } catch {
        // wrong key or tampered: try the next key
      }
    }
    return { ok: false, error: "no-key-matched" };
  }

  private indexOf(key: Uint8Array): number {
    return this.keys.findIndex((k) => k.length === key.length && k.equals(key));
  }
}

function aad(label: string): Buffer {
  return Buffer.concat([Buffer.from([ENVELOPE_MARKER]), Buffer.from(label, "utf8")]);
}

/** Remembers recent nonces (FIFO, bounded) so an exact replay is dropped. */
export class ReplayCache {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** True if the nonce is new (and records it); false for a replay. */
  admit(nonce: Uint8Array): boolean {
    if (this.capacity <= 0) return true;
    const k = Buffer.from(nonce.buffer, nonce.byteOffset, nonce.byteLength).toString("base64");
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    this.order.push(k);
    if (this.order.length - this.head > this.capacity) {
      this.seen.delete(this.order[this.head] as string);
      this.head++;
      if (this.head > 4096) {
        this.order.splice(0, this.head);
        this.head = 0;
      }
    }
    return true;
  }
}

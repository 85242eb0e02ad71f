import type { Keyring } from "../overlay/index.js";
import { KEYS_WIRE_LIMITS, type KeyOpReply, type KeyOpRequest } from "./wire.js";

/** Saves the keyring after a change (the agent rewrites its --keyring-file); rejects on failure. */
export type PersistKeys = (keys: Uint8Array[]) => Promise<void>;

/** Remote operations waiting to be applied here before more are refused as busy. */
const MAX_PENDING_OPS = 64;

export const ENCRYPTION_OFF = "gossip encryption is off; start agents with --keyring-file";

/**
 * This member's side of a keyring operation: applies it to the live keyring the
 * overlay encrypts with, then saves the keys so a restart keeps them. Operations
 * run one at a time, in arrival order, so saves never interleave.
 */
export class LocalKeyring {
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(
    /** The overlay's keyring; undefined (or empty) when gossip is plaintext. */
    private readonly keyring: Keyring | undefined,
    private readonly persist: PersistKeys | null,
  ) {}

  /** True when gossip is encrypted here, so keys may be managed live. */
  get enabled(): boolean {
    return this.keyring !== undefined && this.keyring.enabled;
  }

  /** Applies `req` after every earlier operation; never rejects. */
  apply(req: KeyOpRequest): Promise<KeyOpReply> {
    if (this.pending >= MAX_PENDING_OPS) {
      return Promise.resolve(this.reply(false, `busy: ${MAX_PENDING_OPS} keyring operations queued`));
    }
    this.pending++;
    const run = this.chain
      .then(() => this.applyNow(req))
      .catch((err: unknown) => this.reply(false, `internal error: ${String(err)}`));
    this.chain = run.finally(() => this.pending--);
    return run;
  }

  private async applyNow(req: KeyOpRequest): Promise<KeyOpReply> {
    const ring = this.keyring;
    if (ring === undefined || !ring.enabled) return this.reply(false, ENCRYPTION_OFF);
    const before = ring.list();
    const error = this.change(ring, req);
    if (error !== null) return this.reply(false, error);
    if (this.persist === null || sameKeys(before, ring.list())) return this.reply(true, "");
    try {
      await this.persist(ring.list());
      return this.reply(true, "");
    } catch (err) {
      return this.reply(false, `applied live, but not saved (a restart loses it): ${(err as Error).message}`);
    }
  }

  /** The operation on the live keyring; an error text when refused. */
  private change(ring: Keyring, { op, key }: KeyOpRequest): string | null {
    if (op === "list" || key === null) return null;
    switch (op) {
      case "install":
        if (ring.list().length >= KEYS_WIRE_LIMITS.maxKeys && !holds(ring, key)) {
          return `keyring full (${KEYS_WIRE_LIMITS.maxKeys} keys): remove one first`;
        }
        return ring.install(key) === null ? null : "key is not an AES-256 key (32 bytes)";
      case "use":
        return ring.use(key) === null ? null : "key is not installed on this member: install it first";
      case "remove": {
        // Removing an absent key succeeds (as memberlist does), so a rotation can simply be retried.
        const r = ring.remove(key);
        if (r === "primary-key") {
          return "key is the primary key: make another key primary (keys use) before removing it";
        }
        return null;
      }
    }
  }

  private reply(ok: boolean, error: string): KeyOpReply {
    return { ok, error, keys: this.keyring?.list() ?? [] };
  }
}

function holds(ring: Keyring, key: Uint8Array): boolean {
  return ring.list().some((k) => sameBytes(k, key));
}

function sameKeys(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((k, i) => sameBytes(k, b[i]!));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

import { createHash } from "node:crypto";
import type { MemberInfo } from "../overlay/index.js";

/** Overlay state section holding a node's bus interest. */
export const INTEREST_SECTION = "bus";
/** Layout version of the interest section. */
export const INTEREST_VERSION = 1;
const HEADER_BYTES = 3;
/** Bounded cache of type-name hashes (type names repeat; hashing each digest would cost). */
const HASH_CACHE_MAX = 4096;
const hashCache = new Map<string, number>();

/**
 * A type's interest key: the first 4 bytes of SHA-256(name), big-endian. Two
 * names may collide; a collision only makes a node receive (and drop) digests
 * it does not want, never miss one.
 */
export function typeHash(type: string): number {
  let h = hashCache.get(type);
  if (h === undefined) {
    h = createHash("sha256").update(type).digest().readUInt32BE(0);
    if (hashCache.size >= HASH_CACHE_MAX) hashCache.clear();
    hashCache.set(type, h);
  }
  return h;
}

/** [version u8][count u16 BE][hash u32 BE x count], hashes sorted: 200 types fit in 803 bytes. */
export function encodeInterest(types: Iterable<string>): Uint8Array {
  const hashes = [...new Set([...types].map(typeHash))].sort((a, b) => a - b);
  const out = Buffer.alloc(HEADER_BYTES + 4 * hashes.length);
  out[0] = INTEREST_VERSION;
  out.writeUInt16BE(hashes.length, 1);
  hashes.forEach((h, i) => out.writeUInt32BE(h, HEADER_BYTES + 4 * i));
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Decodes a peer's section; null when malformed or of an unknown version (treated as no interest). */
export function decodeInterest(bytes: Uint8Array, maxTypes: number): Set<number> | null {
  if (bytes.length < HEADER_BYTES || bytes[0] !== INTEREST_VERSION) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = b.readUInt16BE(1);
  if (n > maxTypes || bytes.length !== HEADER_BYTES + 4 * n) return null;
  const out = new Set<number>();
  for (let i = 0; i < n; i++) out.add(b.readUInt32BE(HEADER_BYTES + 4 * i));
  return out;
}

/**
 * Who wants what: live members by interest hash, kept up to date from member
 * events. The local node is tracked like any other and filtered by callers.
 */
export class InterestIndex {
  private readonly byHash = new Map<number, Set<string>>();
  private readonly hashesOf = new Map<string, Set<number>>();
  private readonly addresses = new Map<string, string>();
  private readonly names = new Map<string, string>();
  private readonly lists = new Map<number, string[]>();
  malformed = 0;

  constructor(private readonly maxTypes: number) {}

  /** Applies a member's current state (join, update, alive, ...); non-live members are removed. */
  update(m: MemberInfo): void {
    this.remove(m.name);
    if (m.status !== "alive" && m.status !== "suspect") return;
    this.addresses.set(m.name, m.address);
    this.names.set(m.address, m.name);
    const section = m.sections[INTEREST_SECTION];
    if (section === undefined) return;
    const hashes = decodeInterest(section, this.maxTypes);
    if (hashes === null) {
      this.malformed++;
      return;
    }
    this.hashesOf.set(m.name, hashes);
    for (const h of hashes) {
      let set = this.byHash.get(h);
      if (set === undefined) this.byHash.set(h, (set = new Set()));
      set.add(m.name);
      this.lists.delete(h);
    }
  }

  remove(name: string): void {
    const addr = this.addresses.get(name);
    if (addr !== undefined && this.names.get(addr) === name) this.names.delete(addr);
    this.addresses.delete(name);
    const hashes = this.hashesOf.get(name);
    if (hashes === undefined) return;
    this.hashesOf.delete(name);
    for (const h of hashes) {
      const set = this.byHash.get(h);
      set?.delete(name);
      if (set?.size === 0) this.byHash.delete(h);
      this.lists.delete(h);
    }
  }

  /** Live members interested in `type` (may include the local node). */
  interested(type: string): ReadonlySet<string> {
    return this.byHash.get(typeHash(type)) ?? EMPTY;
  }

  /** Same as `interested`, as a fresh array (callers may shuffle it). */
  interestedList(type: string): string[] {
    return this.interestedView(type).slice();
  }

  /** Same as `interested`, as a cached array callers must not change (valid until the next update). */
  interestedView(type: string): readonly string[] {
    const h = typeHash(type);
    let list = this.lists.get(h);
    if (list === undefined) this.lists.set(h, (list = [...(this.byHash.get(h) ?? EMPTY)]));
    return list;
  }

  wants(name: string, type: string): boolean {
    return this.hashesOf.get(name)?.has(typeHash(type)) ?? false;
  }

  /** Address of a live member, undefined if not live. */
  address(name: string): string | undefined {
    return this.addresses.get(name);
  }

  /** Name of the live member at `address`. */
  nameAt(address: string): string | undefined {
    return this.names.get(address);
  }

  /** Every live member (alive or suspect), interested in anything or not. */
  liveNames(): IterableIterator<string> {
    return this.addresses.keys();
  }

  /** Live members with any interest at all. */
  members(): IterableIterator<string> {
    return this.hashesOf.keys();
  }
}

const EMPTY: ReadonlySet<string> = new Set();

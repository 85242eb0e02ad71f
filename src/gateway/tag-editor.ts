import type { SetTagsResponse } from "../gen/proto/hearsay/v1/admin.js";
import { InvalidArgument, ResourceExhausted } from "../errors/index.js";

/** What SetTags needs of the overlay: this node's tags, and replacing them (the overlay enforces its limits). */
export interface TagAdmin {
  /** This node's name. */
  readonly node: string;
  /** Most tags per member (the overlay's maxTags). */
  readonly maxTags: number;
  /** Bytes of tags + state sections one member may gossip (the overlay's maxNodeStateBytes). */
  readonly maxStateBytes: number;
  current(): Readonly<Record<string, string>>;
  /** Replaces the node's tags and gossips them; refused, changing nothing, when over a limit. */
  replace(tags: Record<string, string>): { ok: true } | { ok: false; error: string };
}

/** Same bounds as `tags` in the agent config: tags travel in every alive message. */
export const MAX_TAG_KEY_BYTES = 128;
export const MAX_TAG_VALUE_BYTES = 512;
/** Most keys in one request's delete_keys. */
const MAX_DELETE_KEYS = 256;
/** Control characters, and "=" (the CLI's key=value separator), never appear in a key. */
function badKeyChar(k: string): boolean {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x3d) return true;
  }
  return false;
}

/** Applies SetTags requests to this node's tags: validates every field, then one replace. */
export class TagEditor {
  constructor(private readonly admin: TagAdmin) {}

  apply(set: Record<string, string>, deleteKeys: string[]): SetTagsResponse {
    const entries = Object.entries(set);
    if (entries.length === 0 && deleteKeys.length === 0) {
      throw InvalidArgument.at("set", "nothing to change: give set and/or delete_keys");
    }
    if (entries.length > this.admin.maxTags) {
      throw new ResourceExhausted(
        `set: ${entries.length} tags, over the limit of ${this.admin.maxTags} per member`,
      );
    }
    if (deleteKeys.length > MAX_DELETE_KEYS) {
      throw new ResourceExhausted(
        `delete_keys: ${deleteKeys.length} keys, over the limit of ${MAX_DELETE_KEYS}`,
      );
    }
    for (const [k, v] of entries) {
      checkKey("set", k);
      const bytes = Buffer.byteLength(v);
      if (bytes > MAX_TAG_VALUE_BYTES) {
        throw InvalidArgument.at(`set[${show(k)}]`, `value is ${bytes} bytes, over ${MAX_TAG_VALUE_BYTES}`);
      }
    }
    for (const k of deleteKeys) {
      checkKey("delete_keys", k);
      if (Object.hasOwn(set, k)) throw InvalidArgument.at("delete_keys", `${show(k)} is also in set`);
    }
    const before = this.admin.current();
    const next: Record<string, string> = { ...before, ...set };
    for (const k of deleteKeys) delete next[k];
    if (sameTags(before, next)) return { node: this.admin.node, tags: { ...before }, changed: false };
    const r = this.admin.replace(next);
    if (!r.ok) throw this.refusal(r.error, next);
    return { node: this.admin.node, tags: { ...this.admin.current() }, changed: true };
  }

  private refusal(error: string, next: Record<string, string>): ResourceExhausted {
    const n = Object.keys(next).length;
    if (error === "too-many-tags") {
      return new ResourceExhausted(`tags: ${n} tags, over the limit of ${this.admin.maxTags} per member`);
    }
    if (error === "too-large") {
      let bytes = 0;
      for (const [k, v] of Object.entries(next)) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
      return new ResourceExhausted(
        `tags: ${bytes} bytes of tags do not fit the ${this.admin.maxStateBytes}-byte node state ` +
          "(tags and state sections ride in every alive message)",
      );
    }
    return new ResourceExhausted(`tags: refused by the overlay: ${error}`);
  }
}

function checkKey(field: string, k: string): void {
  const bytes = Buffer.byteLength(k);
  if (bytes === 0 || bytes > MAX_TAG_KEY_BYTES) {
    throw InvalidArgument.at(field, `key ${show(k)} must be 1-${MAX_TAG_KEY_BYTES} bytes`);
  }
  if (badKeyChar(k)) {
    throw InvalidArgument.at(field, `key ${show(k)} must not contain "=" or control characters`);
  }
}

/** A key as it appears in an error message: quoted, escaped, cut to 64 characters. */
function show(k: string): string {
  return JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}...` : k);
}

function sameTags(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ak = Object.keys(a);
  return ak.length === Object.keys(b).length && ak.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

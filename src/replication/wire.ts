import { pack, unpack } from "msgpackr";

/**
 * The four messages of replication, as msgpack arrays led by a tag:
 * [1, items] push, [2, rows] summary, [3, items, want] answer, [4] ack.
 * `want` lists the keys of the asker's rows the answerer wants pushed.
 */
export type ReplicationMessage<I, R> =
  | { t: "push"; items: I[] }
  | { t: "summary"; rows: R[] }
  | { t: "answer"; items: I[]; want: string[] }
  | { t: "ack" };

export type Decoded<I, R> = { ok: true; msg: ReplicationMessage<I, R> } | { ok: false; error: string };

/** Bounds on any replication message; a user's item codec adds its own. */
export interface ReplicationWireLimits {
  /** Largest message, bytes. */
  readonly maxMessageBytes: number;
  /** Most items, summary rows or wanted keys in one message. */
  readonly maxItems: number;
}

/** How one user's items and summary rows travel. Every decode is bounded and never throws. */
export interface ItemCodec<I, R> {
  /** Words in drop reasons: "not a <message> message", "bad <item>". */
  readonly names: { readonly message: string; readonly item: string };
  readonly limits: ReplicationWireLimits;
  /** Any msgpack-able value. */
  encodeItem(item: I): unknown;
  /** null when malformed (or over a limit of the item's own). */
  decodeItem(raw: unknown): I | null;
  isRow(raw: unknown): raw is R;
}

export function encodeMessage<I, R>(codec: ItemCodec<I, R>, m: ReplicationMessage<I, R>): Uint8Array {
  switch (m.t) {
    case "push":
      return pack([1, m.items.map((i) => codec.encodeItem(i))]);
    case "summary":
      return pack([2, m.rows]);
    case "answer":
      return pack([3, m.items.map((i) => codec.encodeItem(i)), m.want]);
    case "ack":
      return pack([4]);
  }
}

/** Never throws: malformed input comes back as an error string. */
export function decodeMessage<I, R>(codec: ItemCodec<I, R>, bytes: Uint8Array): Decoded<I, R> {
  if (bytes.length > codec.limits.maxMessageBytes) return { ok: false, error: "message too large" };
  let raw: unknown;
  try {
    raw = unpack(bytes);
  } catch {
    return { ok: false, error: "not msgpack" };
  }
  if (!Array.isArray(raw)) return { ok: false, error: `not a ${codec.names.message} message` };
  const max = codec.limits.maxItems;
  const [tag, a, b] = raw as [unknown, unknown, unknown];
  if (tag === 4) return { ok: true, msg: { t: "ack" } };
  if (tag === 2) {
    const rows = boundedList(a, max);
    if (!rows || !rows.every((r) => codec.isRow(r))) return { ok: false, error: "bad summary" };
    return { ok: true, msg: { t: "summary", rows: rows as R[] } };
  }
  if (tag === 1 || tag === 3) {
    const items = boundedList(a, max)?.map((i) => codec.decodeItem(i));
    if (!items || items.some((i) => i === null)) return { ok: false, error: `bad ${codec.names.item}` };
    if (tag === 1) return { ok: true, msg: { t: "push", items: items as I[] } };
    const want = boundedList(b, max);
    if (!want || !want.every((w) => typeof w === "string")) return { ok: false, error: "bad want list" };
    return { ok: true, msg: { t: "answer", items: items as I[], want: want as string[] } };
  }
  return { ok: false, error: `unknown message tag ${String(tag)}` };
}

/** `v` when it is an array of at most `max` elements, else null. */
export function boundedList(v: unknown, max: number): unknown[] | null {
  return Array.isArray(v) && v.length <= max ? v : null;
}

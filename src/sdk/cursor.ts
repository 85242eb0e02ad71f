import type { Cursor as ProtoCursor } from "../gen/proto/hearsay/v1/types.js";

/**
 * For one origin and digest type: the origin's epoch and the stream sequence
 * of the last digest received (0 = none yet). Epoch 0 = the origin's oldest
 * epoch known; a later epoch is newer than anything of an earlier one.
 */
export interface CursorPosition {
  readonly origin: string;
  readonly type: string;
  readonly sequence: bigint;
  readonly epoch: bigint;
}

/**
 * Where a subscriber is: at most one position per (origin, type). Resuming
 * with it delivers, per origin and type, everything after that sequence that
 * retention still holds. Store it with `cursorToJson`.
 */
export interface Cursor {
  readonly positions: readonly CursorPosition[];
}

export const EMPTY_CURSOR: Cursor = Object.freeze({ positions: Object.freeze([]) });

const key = (origin: string, type: string): string => `${origin.length}:${origin}${type}`;

/**
 * The positions a subscription has reached, kept as a map of immutable entries
 * so a snapshot is a shallow copy of the values.
 */
export class CursorState {
  private readonly positions = new Map<string, CursorPosition>();

  constructor(from?: Cursor) {
    for (const p of from?.positions ?? []) this.advance(p.origin, p.type, p.epoch ?? 0n, p.sequence);
  }

  /** Position reached for (origin, type); undefined when none was ever received. */
  at(origin: string, type: string): CursorPosition | undefined {
    return this.positions.get(key(origin, type));
  }

  /** Whether (epoch, sequence) of (origin, type) is at or before the position (already had). */
  has(origin: string, type: string, epoch: bigint, sequence: bigint): boolean {
    const cur = this.positions.get(key(origin, type));
    return cur !== undefined && (cur.epoch > epoch || (cur.epoch === epoch && cur.sequence >= sequence));
  }

  /** Moves (origin, type) forward to (epoch, sequence), epochs first; never backwards. */
  advance(origin: string, type: string, epoch: bigint, sequence: bigint): void {
    if (this.has(origin, type, epoch, sequence)) return;
    this.positions.set(key(origin, type), { origin, type, epoch, sequence });
  }

  merge(c: Cursor): void {
    for (const p of c.positions) this.advance(p.origin, p.type, p.epoch ?? 0n, p.sequence);
  }

  snapshot(): Cursor {
    return { positions: [...this.positions.values()] };
  }

  toProto(): ProtoCursor {
    return { positions: [...this.positions.values()].map((p) => ({ ...p })) };
  }
}

export function cursorFromProto(c: ProtoCursor | undefined): Cursor {
  return {
    positions: (c?.positions ?? []).map((p) => ({
      origin: p.origin,
      type: p.type,
      sequence: p.sequence,
      epoch: p.epoch,
    })),
  };
}

/** The cursor as proto3 JSON (sequences as strings), readable by every SDK and the CLI. */
export function cursorToJson(c: Cursor): string {
  return JSON.stringify({
    positions: c.positions.map((p) => ({
      origin: p.origin,
      type: p.type,
      sequence: p.sequence.toString(),
      epoch: (p.epoch ?? 0n).toString(),
    })),
  });
}

/** Parses `cursorToJson` output (or any proto3 JSON of hearsay.v1.Cursor). */
export function cursorFromJson(json: string): Cursor {
  const o = JSON.parse(json) as {
    positions?: Array<{ origin?: unknown; type?: unknown; sequence?: unknown; epoch?: unknown }>;
  };
  if (!o || !Array.isArray(o.positions)) throw new TypeError("cursor: expected { positions: [...] }");
  return {
    positions: o.positions.map((p, i) => {
      if (typeof p.origin !== "string" || typeof p.type !== "string") {
        throw new TypeError(`cursor.positions[${i}]: origin and type are required strings`);
      }
      const s = p.sequence ?? "0";
      if ((typeof s !== "string" && typeof s !== "number") || !/^\d+$/.test(String(s))) {
        throw new TypeError(`cursor.positions[${i}].sequence: expected an unsigned integer`);
      }
      const e = p.epoch ?? "0";
      if ((typeof e !== "string" && typeof e !== "number") || !/^\d+$/.test(String(e))) {
        throw new TypeError(`cursor.positions[${i}].epoch: expected an unsigned integer`);
      }
      return { origin: p.origin, type: p.type, sequence: BigInt(s), epoch: BigInt(e) };
    }),
  };
}

import type { Cursor, CursorPosition } from "../sdk/index.js";

/**
 * The CLI's text form of a subscription cursor: `origin/type/epoch/sequence`
 * per position (the stream sequence in the origin's epoch), comma-separated,
 * e.g. `n1/demo.Greeting/1799999/42`. `origin/type/sequence` is read as
 * epoch 0: the origin's oldest epoch known.
 * Origin and type are percent-encoded (encodeURIComponent), so a "/", "," or
 * "%" in a name cannot be mistaken for a separator; ordinary node and type
 * names read as they are. The empty string is the empty cursor.
 */
export const MAX_CURSOR_POSITIONS = 10_000;

export type CursorParse = { ok: true; cursor: Cursor } | { ok: false; error: string };

export function formatCursor(c: Cursor): string {
  return c.positions
    .map((p) => `${encodeURIComponent(p.origin)}/${encodeURIComponent(p.type)}/${p.epoch}/${p.sequence}`)
    .join(",");
}

/** Parses the text form; never throws. */
export function parseCursor(text: string): CursorParse {
  const t = text.trim();
  if (t === "") return { ok: true, cursor: { positions: [] } };
  const parts = t.split(",");
  if (parts.length > MAX_CURSOR_POSITIONS) {
    return { ok: false, error: `more than ${MAX_CURSOR_POSITIONS} positions` };
  }
  const positions: CursorPosition[] = [];
  for (const [i, p] of parts.entries()) {
    const f = p.split("/");
    const nums = f.slice(2);
    if (
      (f.length !== 3 && f.length !== 4) ||
      f[0] === "" ||
      f[1] === "" ||
      !nums.every((n) => /^\d{1,20}$/.test(n))
    ) {
      return {
        ok: false,
        error: `position ${i + 1} "${p.slice(0, 80)}": expected origin/type/epoch/sequence (or origin/type/sequence)`,
      };
    }
    const sequence = BigInt(nums[nums.length - 1]!);
    const epoch = nums.length === 2 ? BigInt(nums[0]!) : 0n;
    if (sequence > 0xffff_ffff_ffff_ffffn || epoch > 0xffff_ffff_ffff_ffffn)
      return { ok: false, error: `position ${i + 1}: number over 2^64-1` };
    try {
      positions.push({ origin: decodeURIComponent(f[0]!), type: decodeURIComponent(f[1]!), sequence, epoch });
    } catch {
      return { ok: false, error: `position ${i + 1}: bad percent-encoding` };
    }
  }
  return { ok: true, cursor: { positions } };
}

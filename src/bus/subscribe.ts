import type { Overlay } from "../overlay/index.js";
import type { BusConfig } from "./config.js";
import type { Cursor, CursorPosition } from "./cursor.js";
import { type Check, fail } from "../errors/index.js";
import { checkTypeName, originTypeKey } from "./digest.js";
import { INTEREST_SECTION, encodeInterest } from "./interest.js";

/** A cursor position as given: the epoch may be left out (0: the origin's oldest epoch known). */
export type PositionInput = Omit<CursorPosition, "epoch"> & { epoch?: number };

export interface SubscribeOptions {
  /** Digest types (1..maxTypesPerSubscription). */
  types: string[];
  /** Resume after these positions (a Cursor or its positions); other streams follow `start`. */
  resumeFrom?: Cursor | PositionInput[] | { positions: PositionInput[] };
  /**
   * Streams without a cursor position: "latest" = digests published from now on
   * (streams first seen later: what their answering node stored since then,
   * by its own clock, plus startGraceMs); "earliest" = everything the local
   * retention log holds. @default "latest"
   */
  start?: "latest" | "earliest";
  /** Queue bound; live digests beyond it are dropped with a SLOW_CONSUMER gap notice. @default defaultMaxQueued */
  maxQueued?: number;
}

/** Validates subscribe options against the limits, naming the field and the limit. */
export function checkSubscribe(o: SubscribeOptions, cfg: BusConfig, current: number): Check {
  if (typeof o !== "object" || o === null) return fail("INVALID_ARGUMENT", "subscribe: expected { types }");
  if (current >= cfg.maxSubscriptions)
    return fail("RESOURCE_EXHAUSTED", `subscriptions: this bus already has ${current} (maxSubscriptions)`);
  if (!Array.isArray(o.types) || o.types.length === 0)
    return fail("INVALID_ARGUMENT", "types: at least one digest type");
  if (o.types.length > cfg.maxTypesPerSubscription)
    return fail(
      "RESOURCE_EXHAUSTED",
      `types: ${o.types.length} exceed maxTypesPerSubscription (${cfg.maxTypesPerSubscription})`,
    );
  for (const [i, t] of o.types.entries()) {
    const c = checkTypeName(t, cfg, `types[${i}]`);
    if (!c.ok) return c;
  }
  if (o.start !== undefined && o.start !== "latest" && o.start !== "earliest")
    return fail("INVALID_ARGUMENT", `start: "latest" or "earliest"`);
  const q = o.maxQueued;
  if (q !== undefined && (!Number.isSafeInteger(q) || q < 1 || q > cfg.maxQueuedLimit))
    return fail("INVALID_ARGUMENT", `maxQueued: 1..${cfg.maxQueuedLimit} (maxQueuedLimit)`);
  const positions =
    o.resumeFrom === undefined ? [] : Array.isArray(o.resumeFrom) ? o.resumeFrom : o.resumeFrom.positions;
  if (!Array.isArray(positions)) return fail("INVALID_ARGUMENT", "resumeFrom: expected a cursor");
  if (positions.length > cfg.maxStreams)
    return fail(
      "RESOURCE_EXHAUSTED",
      `resumeFrom: ${positions.length} positions exceed maxStreams (${cfg.maxStreams})`,
    );
  const seen = new Set<string>();
  for (const [i, p] of positions.entries()) {
    const f = `resumeFrom.positions[${i}]`;
    if (typeof p !== "object" || p === null)
      return fail("INVALID_ARGUMENT", `${f}: expected { origin, type, sequence }`);
    if (
      typeof p.origin !== "string" ||
      p.origin.length === 0 ||
      Buffer.byteLength(p.origin) > cfg.maxOriginBytes
    )
      return fail("INVALID_ARGUMENT", `${f}.origin: 1..${cfg.maxOriginBytes} bytes`);
    const c = checkTypeName(p.type, cfg, `${f}.type`);
    if (!c.ok) return c;
    if (!Number.isSafeInteger(p.sequence) || p.sequence < 0)
      return fail("INVALID_ARGUMENT", `${f}.sequence: integer >= 0`);
    if (p.epoch !== undefined && (!Number.isSafeInteger(p.epoch) || p.epoch < 0))
      return fail("INVALID_ARGUMENT", `${f}.epoch: integer >= 0`);
    const k = originTypeKey(p.origin, p.type);
    if (seen.has(k))
      return fail("INVALID_ARGUMENT", `${f}: duplicate position for origin ${p.origin} type ${p.type}`);
    seen.add(k);
  }
  return { ok: true };
}

/** Gossips the interest set in the overlay's "bus" state section. */
export function setInterest(overlay: Overlay, types: Map<string, number>, cfg: BusConfig): Check {
  if (types.size > cfg.maxInterestTypes)
    return fail(
      "RESOURCE_EXHAUSTED",
      `interest: ${types.size} types exceed maxInterestTypes (${cfg.maxInterestTypes})`,
    );
  const r = overlay.setLocalState(INTEREST_SECTION, types.size === 0 ? null : encodeInterest(types.keys()));
  if (!r.ok)
    return fail(
      "RESOURCE_EXHAUSTED",
      `interest: ${types.size} types do not fit the node state (${r.error}; overlay maxNodeStateBytes, 4 bytes per type)`,
    );
  return { ok: true };
}

/** The positions of a resume cursor given either way (epoch 0 when absent). */
export function resumePositions(r: SubscribeOptions["resumeFrom"]): CursorPosition[] {
  if (r === undefined) return [];
  return (Array.isArray(r) ? r : r.positions).map((p) => ({ ...p, epoch: p.epoch ?? 0 }));
}

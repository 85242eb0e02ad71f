import type { ParseResult } from "../config/index.js";
import type { MemberInfo } from "../overlay/index.js";

/**
 * The peer snapshot (`peers.json` in the data dir): the members this node knew, so that a restart with
 * no seeds rejoins on its own, as Serf's snapshot does.
 *
 *   {"version": 1, "overlay": "default", "node": "n1", "savedAtMs": 1700000000000,
 *    "peers": [{"name": "n2", "address": "10.0.0.2:7946"}, ...]}
 */
export interface PeerRecord {
  name: string;
  address: string;
}

export interface PeerSnapshot {
  overlay: string;
  node: string;
  savedAtMs: number;
  peers: PeerRecord[];
}

export const PEER_SNAPSHOT_FILE = "peers.json";
export const PEER_SNAPSHOT_VERSION = 1;

export interface PeerSnapshotLimits {
  /** Peers kept (live ones first, then failed ones that may come back). @default 512 */
  maxPeers: number;
  /** Largest file read back, bytes; a larger one is ignored with a warning. @default 262144 */
  maxFileBytes: number;
  /** Least time between two writes; membership changes in between are written together, ms. @default 2000 */
  minWriteGapMs: number;
}

export const DEFAULT_PEER_SNAPSHOT_LIMITS: PeerSnapshotLimits = {
  maxPeers: 512,
  maxFileBytes: 256 * 1024,
  minWriteGapMs: 2_000,
};

const RANK: Record<string, number> = { alive: 0, suspect: 1, dead: 2 };
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ADDRESS_RE = /^(?:\[[0-9a-fA-F:.]+(?:%[\w.-]+)?\]|[A-Za-z0-9.-]{1,253}):\d{1,5}$/;

/**
 * The peers worth remembering: every member but this node and those that left gracefully (they said
 * goodbye); alive first, then suspect, then failed; at most `maxPeers` (`cut` = how many were not kept).
 */
export function choosePeers(
  members: readonly MemberInfo[],
  self: string,
  maxPeers: number,
): { peers: PeerRecord[]; cut: number } {
  const candidates = members
    .filter((m) => m.name !== self && m.status in RANK)
    .sort((a, b) => RANK[a.status]! - RANK[b.status]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    peers: candidates.slice(0, maxPeers).map((m) => ({ name: m.name, address: m.address })),
    cut: Math.max(0, candidates.length - maxPeers),
  };
}

export function encodePeerSnapshot(s: PeerSnapshot): string {
  return JSON.stringify({ version: PEER_SNAPSHOT_VERSION, ...s }, null, 1) + "\n";
}

/**
 * Reads a snapshot's peers back. Structure errors are errors (the caller warns and starts without);
 * single malformed entries are skipped; beyond `maxPeers` the rest is ignored. Never throws.
 */
export function decodePeerSnapshot(
  text: string,
  overlay: string,
  maxPeers: number,
): ParseResult<PeerRecord[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { ok: false, error: "expected a JSON object" };
  }
  const o = doc as Record<string, unknown>;
  if (o.version !== PEER_SNAPSHOT_VERSION) {
    return { ok: false, error: `unknown version ${JSON.stringify(o.version)}` };
  }
  if (o.overlay !== overlay) {
    return { ok: false, error: `written for overlay ${JSON.stringify(o.overlay)}, not "${overlay}"` };
  }
  if (!Array.isArray(o.peers)) return { ok: false, error: "peers: expected a list" };
  const out: PeerRecord[] = [];
  const seen = new Set<string>();
  for (const p of o.peers as unknown[]) {
    if (out.length >= maxPeers) break;
    const r = (p ?? {}) as Record<string, unknown>;
    if (typeof r.name !== "string" || typeof r.address !== "string") continue;
    if (!NAME_RE.test(r.name) || !ADDRESS_RE.test(r.address) || seen.has(r.address)) continue;
    seen.add(r.address);
    out.push({ name: r.name, address: r.address });
  }
  return { ok: true, value: out };
}

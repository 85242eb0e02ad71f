import { boundedList, type ItemCodec, type ReplicationMessage } from "../replication/index.js";
import type { ServiceInstance } from "./instance.js";
import type { Removal, Snapshot } from "./snapshot.js";

/** Bounds on what a peer may send; anything beyond is dropped and counted. */
export interface CatalogWireLimits {
  /** Largest sync message, bytes. @default 4194304 (4 MiB) */
  maxMessageBytes: number;
  /** Most snapshots or summary rows in one message. @default 10000 */
  maxItems: number;
  /** Most instances (and removals) in one snapshot. @default 4096 */
  maxInstances: number;
}

export const DEFAULT_CATALOG_WIRE_LIMITS: CatalogWireLimits = {
  maxMessageBytes: 4 * 1024 * 1024,
  maxItems: 10_000,
  maxInstances: 4096,
};

/** [node, bootMs, counter]: which version of a node's registrations a gateway holds. */
export type VersionRow = [string, number, number];

export type CatalogMessage = ReplicationMessage<Snapshot, VersionRow>;

/** The catalog's items on the replication wire: one node's snapshot each, summarized by node. */
export function catalogCodec(
  limits: CatalogWireLimits = DEFAULT_CATALOG_WIRE_LIMITS,
): ItemCodec<Snapshot, VersionRow> {
  return {
    names: { message: "catalog", item: "snapshot" },
    limits,
    encodeItem: snapToWire,
    decodeItem: (v) => snapFromWire(v, limits),
    isRow: isVersionRow,
  };
}

function snapToWire(s: Snapshot): unknown[] {
  return [
    s.node,
    s.bootMs,
    s.counter,
    s.instances.map((i) => [
      i.name,
      i.id,
      i.address,
      i.port,
      i.tags,
      i.ttlMs,
      i.registeredAtMs,
      i.health === "passing" ? 1 : 2,
    ]),
    s.removals.map(([k, r]) => [k, r === "expired" ? 2 : 1]),
  ];
}

function snapFromWire(v: unknown, limits: CatalogWireLimits): Snapshot | null {
  if (!Array.isArray(v) || v.length !== 5) return null;
  const [node, bootMs, counter, rawInstances, rawRemovals] = v as unknown[];
  if (!isText(node) || !isCount(bootMs) || !isCount(counter)) return null;
  const items = boundedList(rawInstances, limits.maxInstances);
  const removed = boundedList(rawRemovals, limits.maxInstances);
  if (!items || !removed) return null;
  const instances: ServiceInstance[] = [];
  for (const raw of items) {
    const i = instanceFromWire(raw, node);
    if (!i) return null;
    instances.push(i);
  }
  const removals: Array<[string, Removal]> = [];
  for (const r of removed) {
    if (!Array.isArray(r) || r.length !== 2 || !isText(r[0]) || (r[1] !== 1 && r[1] !== 2)) return null;
    removals.push([r[0], r[1] === 2 ? "expired" : "deregistered"]);
  }
  return { node, bootMs, counter, instances, removals };
}

function instanceFromWire(v: unknown, node: string): ServiceInstance | null {
  if (!Array.isArray(v) || v.length !== 8) return null;
  const [name, id, address, port, tags, ttlMs, registeredAtMs, health] = v as unknown[];
  if (!isText(name) || !isText(id) || !isText(address)) return null;
  if (!isCount(port) || port > 65535 || !isCount(ttlMs) || !isCount(registeredAtMs)) return null;
  if (health !== 1 && health !== 2) return null;
  const t = tagsFromWire(tags);
  if (!t) return null;
  return {
    name,
    id,
    node,
    address,
    port,
    tags: t,
    ttlMs,
    registeredAtMs,
    health: health === 1 ? "passing" : "critical",
  };
}

function tagsFromWire(v: unknown): Record<string, string> | null {
  // msgpackr decodes maps to plain objects by default (mapsAsObjects).
  const entries = v instanceof Map ? [...v.entries()] : v && typeof v === "object" ? Object.entries(v) : null;
  if (!entries || entries.length > 1024) return null;
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (typeof k !== "string" || typeof val !== "string" || k === "__proto__") return null;
    out[k] = val;
  }
  return out;
}

function isText(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 && v.length <= 1024;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isVersionRow(v: unknown): v is VersionRow {
  return Array.isArray(v) && v.length === 3 && isText(v[0]) && isCount(v[1]) && isCount(v[2]);
}

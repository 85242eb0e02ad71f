import {
  boundedList,
  decodeMessage,
  encodeMessage,
  type Decoded,
  type ItemCodec,
  type ReplicationMessage,
} from "../replication/index.js";
import type { SchemaFormat } from "../schemas/index.js";
import type { RegistryEntry } from "./entry.js";

/** Bounds on what a peer may send; anything beyond is dropped and counted. */
export interface RegistryWireLimits {
  /** Largest sync message, bytes. @default 8388608 (8 MiB) */
  maxMessageBytes: number;
  /** Most entries or summary rows in one message. @default 10000 */
  maxItems: number;
  /** Most source files per entry. @default 64 */
  maxFiles: number;
}

export const DEFAULT_REGISTRY_WIRE_LIMITS: RegistryWireLimits = {
  maxMessageBytes: 8 * 1024 * 1024,
  maxItems: 10_000,
  maxFiles: 64,
};

/** [name, version, fingerprint]: what a node holds, for anti-entropy. */
export type SummaryRow = [string, number, string];

export type SyncMessage = ReplicationMessage<RegistryEntry, SummaryRow>;

const FORMATS: readonly SchemaFormat[] = ["proto-source", "proto-descriptor-set", "thrift-idl"];

/** The registry's items on the replication wire: one entry each, summarized by name. */
export function registryCodec(
  limits: RegistryWireLimits = DEFAULT_REGISTRY_WIRE_LIMITS,
): ItemCodec<RegistryEntry, SummaryRow> {
  return {
    names: { message: "sync", item: "entry" },
    limits,
    encodeItem: entryToWire,
    decodeItem: (v) => entryFromWire(v, limits),
    isRow: isSummaryRow,
  };
}

export function encodeSync(m: SyncMessage): Uint8Array {
  return encodeMessage(registryCodec(), m);
}

/** Never throws: malformed input comes back as an error string. */
export function decodeSync(
  bytes: Uint8Array,
  limits: RegistryWireLimits = DEFAULT_REGISTRY_WIRE_LIMITS,
): Decoded<RegistryEntry, SummaryRow> {
  return decodeMessage(registryCodec(limits), bytes);
}

function isSummaryRow(r: unknown): r is SummaryRow {
  return (
    Array.isArray(r) &&
    r.length === 3 &&
    typeof r[0] === "string" &&
    Number.isSafeInteger(r[1]) &&
    (r[1] as number) > 0 &&
    typeof r[2] === "string"
  );
}

function entryToWire(e: RegistryEntry): unknown[] {
  return [
    e.name,
    e.version,
    e.format,
    e.files.map((f) => [f.path, f.content]),
    e.descriptorSet,
    e.skipPayloadValidation,
    e.description,
    e.registeredBy,
    e.registeredAtMs,
  ];
}

/** The fingerprint is not on the wire: the receiver compiles the schema and computes its own. */
function entryFromWire(v: unknown, limits: RegistryWireLimits): RegistryEntry | null {
  if (!Array.isArray(v) || v.length !== 9) return null;
  const [name, version, format, files, ds, skip, description, by, at] = v as unknown[];
  if (typeof name !== "string" || !Number.isSafeInteger(version) || (version as number) < 1) return null;
  if (!FORMATS.includes(format as SchemaFormat)) return null;
  const fileList = boundedList(files, limits.maxFiles);
  if (!fileList) return null;
  const parsed = fileList.map((f) =>
    Array.isArray(f) && f.length === 2 && typeof f[0] === "string" && typeof f[1] === "string"
      ? { path: f[0], content: f[1] }
      : null,
  );
  if (parsed.some((f) => f === null)) return null;
  if (ds !== null && !(ds instanceof Uint8Array)) return null;
  if (typeof skip !== "boolean" || typeof description !== "string" || typeof by !== "string") return null;
  if (!Number.isSafeInteger(at)) return null;
  return {
    name,
    version: version as number,
    format: format as SchemaFormat,
    files: parsed as { path: string; content: string }[],
    descriptorSet: ds === null ? null : new Uint8Array(ds as Uint8Array),
    skipPayloadValidation: skip,
    description,
    registeredBy: by,
    registeredAtMs: at as number,
    fingerprint: "",
  };
}

import type { SchemaFormat, SourceFile } from "../schemas/index.js";

/** One registered digest type as the overlay replicates it (DigestType in types.proto). */
export interface RegistryEntry {
  /** Fully qualified message / struct name. */
  readonly name: string;
  /** Grows by one per accepted re-registration; the first is 1. */
  readonly version: number;
  readonly format: SchemaFormat;
  /** .proto / .thrift source files (formats proto-source and thrift-idl). */
  readonly files: readonly SourceFile[];
  /** Serialized FileDescriptorSet (format proto-descriptor-set). */
  readonly descriptorSet: Uint8Array | null;
  /** Payloads are accepted without checking them against the schema. */
  readonly skipPayloadValidation: boolean;
  readonly description: string;
  /** Node that accepted this version. */
  readonly registeredBy: string;
  readonly registeredAtMs: number;
  /** Hex SHA-256 of the canonical schema (computed locally, never trusted from a peer). */
  readonly fingerprint: string;
}

/**
 * The total order every node applies to two entries of one type, so concurrent
 * registrations converge to the same winner everywhere: higher version, then
 * higher fingerprint, then higher registering node name. > 0 when `a` wins.
 */
export function compareEntries(a: RegistryEntry, b: RegistryEntry): number {
  if (a.version !== b.version) return a.version - b.version;
  if (a.fingerprint !== b.fingerprint) return a.fingerprint > b.fingerprint ? 1 : -1;
  if (a.registeredBy !== b.registeredBy) return a.registeredBy > b.registeredBy ? 1 : -1;
  return 0;
}

/** Same schema and settings: re-registering it changes nothing. */
export function sameDefinition(
  a: RegistryEntry,
  b: Omit<RegistryEntry, "version" | "registeredBy" | "registeredAtMs">,
): boolean {
  return (
    a.fingerprint === b.fingerprint &&
    a.skipPayloadValidation === b.skipPayloadValidation &&
    a.description === b.description
  );
}

import {
  checkCompatible,
  compileSchema,
  type CompiledType,
  type SchemaFormat,
  type SchemaLimits,
  type SourceFile,
} from "../schemas/index.js";
import { fail, type Failure } from "../errors/index.js";
import type { Logger, Metrics } from "../observe/index.js";
import { compareEntries, type RegistryEntry, sameDefinition } from "./entry.js";
import type { SummaryRow } from "./wire.js";

/** What a client sends to register a type (RegisterDigestTypeRequest). */
export interface RegisterRequest {
  name: string;
  format: SchemaFormat;
  files?: readonly SourceFile[];
  descriptorSet?: Uint8Array | null;
  skipPayloadValidation?: boolean;
  description?: string;
}

export interface RegistryLimits {
  /** Most digest types one overlay holds; more are refused (RESOURCE_EXHAUSTED). @default 10000 */
  maxTypes: number;
  /** Longest description, bytes. @default 1024 */
  maxDescriptionBytes: number;
  /** Limits on schema text, descriptor sets and payload decoding. @default DEFAULT_SCHEMA_LIMITS */
  schema?: Partial<SchemaLimits>;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = { maxTypes: 10_000, maxDescriptionBytes: 1024 };

export type RegisterResult = { ok: true; entry: RegistryEntry; created: boolean } | Failure;

/** How a replicated entry from a peer was taken. */
export type MergeOutcome = "accepted" | "stale" | "same" | "invalid";

interface Held {
  entry: RegistryEntry;
  compiled: CompiledType;
}

/**
 * The digest-type registry of one overlay on one node: local registrations
 * checked for compatibility, and entries replicated from peers merged by a
 * total order (compareEntries) so every node converges to the same answer.
 * A concurrent registration that loses is logged and counted, never silently
 * overwritten.
 */
export class Registry {
  private readonly types = new Map<string, Held>();
  private listeners: Array<(e: RegistryEntry) => void> = [];

  constructor(
    private readonly nodeName: string,
    private readonly nowMs: () => number,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly limits: RegistryLimits = DEFAULT_REGISTRY_LIMITS,
  ) {}

  register(req: RegisterRequest): RegisterResult {
    if (Buffer.byteLength(req.description ?? "") > this.limits.maxDescriptionBytes) {
      return fail(
        "INVALID_ARGUMENT",
        `description is over ${this.limits.maxDescriptionBytes} bytes`,
        "description",
      );
    }
    const compiled = this.compile(req);
    if (!compiled.ok) return compiled;
    const held = this.types.get(compiled.type.name);
    const draft = {
      name: compiled.type.name,
      format: req.format,
      files: [...(req.files ?? [])],
      descriptorSet: req.descriptorSet ?? null,
      skipPayloadValidation: req.skipPayloadValidation ?? false,
      description: req.description ?? "",
      fingerprint: compiled.type.fingerprint,
    };
    if (held && sameDefinition(held.entry, draft)) return { ok: true, entry: held.entry, created: false };
    if (held) {
      const compatible = checkCompatible(held.compiled, compiled.type);
      if (!compatible.ok) return compatible;
    } else if (this.types.size >= this.limits.maxTypes) {
      this.metrics.inc("registry_limit_hits_total", { limit: "maxTypes" });
      return fail(
        "RESOURCE_EXHAUSTED",
        `the registry holds its maximum of ${this.limits.maxTypes} types`,
        "name",
      );
    }
    const entry: RegistryEntry = {
      ...draft,
      version: (held?.entry.version ?? 0) + 1,
      registeredBy: this.nodeName,
      registeredAtMs: Math.floor(this.nowMs()),
    };
    this.store({ entry, compiled: compiled.type });
    return { ok: true, entry, created: true };
  }

  /** Takes an entry replicated from a peer; its schema is compiled here, its fingerprint recomputed. */
  merge(remote: RegistryEntry): MergeOutcome {
    const compiled = this.compile(remote);
    if (!compiled.ok || compiled.type.name !== remote.name) {
      this.metrics.inc("registry_invalid_entries_total");
      this.log.warn("registry: dropped an entry from a peer that does not compile", {
        type: remote.name,
        from: remote.registeredBy,
        error: compiled.ok ? "name mismatch" : compiled.error.message,
      });
      return "invalid";
    }
    const entry = { ...remote, fingerprint: compiled.type.fingerprint };
    const held = this.types.get(entry.name);
    if (held) {
      const order = compareEntries(entry, held.entry);
      if (order === 0) return "same";
      const [winner, loser] = order > 0 ? [entry, held.entry] : [held.entry, entry];
      if (winner.version === loser.version && winner.fingerprint !== loser.fingerprint) {
        this.metrics.inc("registry_conflicts_total");
        this.log.warn(
          "registry: concurrent registrations of one version; the higher fingerprint wins everywhere",
          {
            type: entry.name,
            version: winner.version,
            kept: `${winner.registeredBy}/${winner.fingerprint.slice(0, 12)}`,
            dropped: `${loser.registeredBy}/${loser.fingerprint.slice(0, 12)}`,
          },
        );
      }
      if (order < 0) return "stale";
    } else if (this.types.size >= this.limits.maxTypes) {
      this.metrics.inc("registry_limit_hits_total", { limit: "maxTypes" });
      return "invalid";
    }
    this.store({ entry, compiled: compiled.type });
    return "accepted";
  }

  get(name: string): { entry: RegistryEntry; compiled: CompiledType } | undefined {
    return this.types.get(name);
  }

  list(prefix = ""): RegistryEntry[] {
    return [...this.types.values()]
      .map((h) => h.entry)
      .filter((e) => e.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  summary(): SummaryRow[] {
    return [...this.types.values()].map(({ entry }) => [entry.name, entry.version, entry.fingerprint]);
  }

  get size(): number {
    return this.types.size;
  }

  /** Called after every accepted registration or merge. */
  onChange(fn: (e: RegistryEntry) => void): () => void {
    this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  private store(held: Held): void {
    this.types.set(held.entry.name, held);
    for (const l of this.listeners) l(held.entry);
  }

  private compile(req: RegisterRequest) {
    return compileSchema(
      {
        name: req.name,
        format: req.format,
        files: req.files ?? [],
        ...(req.descriptorSet ? { descriptorSet: req.descriptorSet } : {}),
      },
      this.limits.schema,
    );
  }
}

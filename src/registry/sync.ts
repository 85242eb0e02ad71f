import type { Logger, Metrics } from "../observe/index.js";
import {
  DEFAULT_REPLICATOR_OPTIONS,
  type Replica,
  type ReplicationLink,
  Replicator,
  type ReplicatorOptions,
} from "../replication/index.js";
import type { Clock, Rng } from "../transport/index.js";
import type { RegistryEntry } from "./entry.js";
import type { RegisterRequest, RegisterResult, Registry } from "./registry.js";
import { registryCodec, type SummaryRow } from "./wire.js";

/** The registry's channel id in the bus's Channels mux (the first byte of its overlay requests). */
export const REGISTRY_CHANNEL = 2;

/** How the registry reaches its peers (the bus's channel mux over the overlay in the agent). */
export type SyncLink = ReplicationLink;

export type RegistrySyncOptions = ReplicatorOptions;

export const DEFAULT_SYNC_OPTIONS: RegistrySyncOptions = DEFAULT_REPLICATOR_OPTIONS;

/**
 * Replicates a Registry: a local registration is pushed to every live peer at
 * once, and every `intervalMs` one random peer's summary (name, version,
 * fingerprint per type) is compared so whatever a push missed (loss,
 * partitions, nodes joining later) converges by anti-entropy, both ways.
 * Counts registry_push_failures_total and registry_dropped_messages_total.
 */
export class RegistrySync {
  private readonly engine: Replicator<RegistryEntry, SummaryRow>;

  constructor(
    private readonly registry: Registry,
    link: SyncLink,
    clock: Clock,
    rng: Rng,
    log: Logger,
    metrics: Metrics,
    opts: RegistrySyncOptions = DEFAULT_SYNC_OPTIONS,
  ) {
    this.engine = new Replicator(
      "registry",
      registryReplica(registry),
      { link, clock, rng, log, metrics },
      opts,
    );
  }

  start(): void {
    this.engine.start();
  }

  stop(): void {
    this.engine.stop();
  }

  /** Registers locally and, when something changed, pushes the new version to every peer. */
  register(req: RegisterRequest): RegisterResult {
    const r = this.registry.register(req);
    if (r.ok && r.created) this.engine.push([r.entry]);
    return r;
  }
}

/** Newer = higher version, then higher fingerprint (the order Registry.merge applies). */
function registryReplica(registry: Registry): Replica<RegistryEntry, SummaryRow> {
  return {
    codec: registryCodec(),
    summarize: () => registry.summary(),
    diff(rows) {
      const theirs = new Map(rows.map(([name, version, fp]) => [name, { version, fp }]));
      const newer: RegistryEntry[] = [];
      for (const e of registry.list()) {
        const t = theirs.get(e.name);
        if (!t || t.version < e.version || (t.version === e.version && t.fp < e.fingerprint)) newer.push(e);
      }
      const want = rows
        .filter(([name, version, fp]) => {
          const mine = registry.get(name)?.entry;
          return !mine || mine.version < version || (mine.version === version && mine.fingerprint < fp);
        })
        .map(([name]) => name);
      return { newer, want };
    },
    take(entries) {
      for (const e of entries) registry.merge(e);
    },
    itemsFor: (names) => names.map((n) => registry.get(n)?.entry).filter((e) => e !== undefined),
  };
}

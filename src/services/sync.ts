import type { Logger, Metrics } from "../observe/index.js";
import {
  DEFAULT_REPLICATOR_OPTIONS,
  type Replica,
  type ReplicationLink,
  Replicator,
  type ReplicatorOptions,
} from "../replication/index.js";
import type { Clock, Rng, TimerHandle } from "../transport/index.js";
import type { Catalog } from "./catalog.js";
import type { RegisterInput } from "./instance.js";
import type { LocalServices, RegisterServiceResult } from "./local.js";
import { compareVersions, type Snapshot } from "./snapshot.js";
import { catalogCodec, type VersionRow } from "./wire.js";

/** The catalog's channel id in the bus's Channels mux (the first byte of its overlay requests). */
export const SERVICES_CHANNEL = 4;

/** How the catalog reaches its peers (the channel mux over the overlay in the agent). */
export interface CatalogLink extends ReplicationLink {
  /** Whether `node` is a live (alive or suspect) member: snapshots of other nodes are ignored. */
  isLive(node: string): boolean;
}

export type CatalogSyncOptions = ReplicatorOptions;

export const DEFAULT_CATALOG_SYNC_OPTIONS: CatalogSyncOptions = DEFAULT_REPLICATOR_OPTIONS;

/**
 * Keeps every gateway's Catalog equal: this node's own registrations
 * (LocalServices) are pushed to every live peer when they change, and every
 * `intervalMs` one random peer's version table is compared so what a push
 * missed (loss, partitions, late joiners) converges both ways. A node that
 * fails or leaves is dropped by `nodeGone` (the agent calls it on overlay
 * fail/leave events); snapshots of nodes that are not live are ignored, so a
 * stale relay cannot bring a dead node's services back. Counts
 * catalog_push_failures_total, catalog_dropped_messages_total,
 * catalog_snapshots_of_gone_nodes_total and catalog_limit_hits_total.
 */
export class CatalogSync {
  private readonly engine: Replicator<Snapshot, VersionRow>;
  private ttlTimer: TimerHandle | null = null;

  constructor(
    private readonly local: LocalServices,
    private readonly catalog: Catalog,
    link: CatalogLink,
    private readonly clock: Clock,
    rng: Rng,
    log: Logger,
    private readonly metrics: Metrics,
    opts: CatalogSyncOptions = DEFAULT_CATALOG_SYNC_OPTIONS,
  ) {
    const replica = catalogReplica(local, catalog, link, metrics);
    this.engine = new Replicator("catalog", replica, { link, clock, rng, log, metrics }, opts);
  }

  start(): void {
    if (this.engine.running) return;
    // Even empty, this boot's version goes into the version table, so peers holding
    // a previous boot's registrations learn they are gone.
    this.catalog.apply(this.local.snapshot());
    this.engine.start();
  }

  stop(): void {
    this.engine.stop();
    if (this.ttlTimer) this.clock.clearTimer(this.ttlTimer);
    this.ttlTimer = null;
  }

  register(input: RegisterInput): RegisterServiceResult {
    // Whole ms: registeredAtMs travels, and peers refuse fractions (a Clock may have them: a drifting one in the simulator).
    const r = this.local.register(input, Math.floor(this.clock.nowMs()));
    if (!r.ok) {
      if (r.error.code === "RESOURCE_EXHAUSTED") {
        this.metrics.inc("catalog_limit_hits_total", { limit: r.error.field ?? "none" });
      }
      return r;
    }
    if (r.changed) this.published();
    else this.scheduleTtl();
    return r;
  }

  deregister(name: string, id: string): boolean {
    const removed = this.local.deregister(name, id);
    if (removed) this.published();
    return removed;
  }

  /** A member failed or left: its instances expire here. */
  nodeGone(node: string): void {
    if (node === this.local.node) return;
    this.catalog.dropNode(node);
  }

  /** A member joined or came back: it gets this node's registrations at once. */
  nodeArrived(address: string): void {
    if (this.local.size > 0) this.engine.push([this.local.snapshot()], [address]);
  }

  /** The local registrations changed: apply them here and push them to every peer. */
  private published(): void {
    this.catalog.apply(this.local.snapshot());
    this.engine.push([this.local.snapshot()]);
    this.scheduleTtl();
  }

  private scheduleTtl(): void {
    if (this.ttlTimer) this.clock.clearTimer(this.ttlTimer);
    this.ttlTimer = null;
    const at = this.local.nextDeadlineMs();
    if (at === null) return;
    this.ttlTimer = this.clock.setTimer(Math.max(1, at - this.clock.nowMs() + 1), () => {
      this.ttlTimer = null;
      if (this.local.tick(this.clock.nowMs())) this.published();
      else this.scheduleTtl();
    });
  }
}

/** The catalog as the engine sees it: one snapshot per node, versioned by (bootMs, counter). */
function catalogReplica(
  local: LocalServices,
  catalog: Catalog,
  link: CatalogLink,
  metrics: Metrics,
): Replica<Snapshot, VersionRow> {
  return {
    codec: catalogCodec(),
    summarize() {
      const rows: VersionRow[] = [];
      for (const node of catalog.knownNodes()) {
        const v = catalog.version(node);
        if (v) rows.push([node, v.bootMs, v.counter]);
      }
      return rows;
    },
    diff(rows) {
      const theirs = new Map(rows.map(([node, bootMs, counter]) => [node, { bootMs, counter }]));
      const newer: Snapshot[] = [];
      for (const node of catalog.knownNodes()) {
        const mine = catalog.snapshotOf(node);
        const t = theirs.get(node);
        if (mine && (!t || compareVersions(mine, t) > 0)) newer.push(mine);
      }
      const want = rows
        .filter(([node, bootMs, counter]) => {
          if (node === local.node || !link.isLive(node)) return false;
          const mine = catalog.version(node);
          return !mine || compareVersions({ bootMs, counter }, mine) > 0;
        })
        .map(([node]) => node);
      return { newer, want };
    },
    take(snaps) {
      for (const s of snaps) {
        // Only the owner speaks for its own registrations.
        if (s.node === local.node) continue;
        if (!link.isLive(s.node)) {
          metrics.inc("catalog_snapshots_of_gone_nodes_total");
          continue;
        }
        catalog.apply(s);
      }
    },
    itemsFor: (nodes) => nodes.map((n) => catalog.snapshotOf(n)).filter((s) => s !== undefined),
  };
}

import type { Logger } from "../observe/index.js";
import type { Metrics } from "../observe/index.js";
import type { Clock, Rng, TimerHandle } from "../transport/index.js";
import type { Catalog } from "./catalog.js";
import { type RegisterInput, type ServiceInstance, ServiceRefusal } from "./instance.js";
import type { LocalServices } from "./local.js";
import { compareVersions, type Snapshot } from "./snapshot.js";
import { type CatalogMessage, decodeCatalog, encodeCatalog, type VersionRow } from "./wire.js";

/** How the catalog reaches its peers (the channel mux over the overlay in the agent). */
export interface CatalogLink {
  /** Overlay addresses of the live members other than this node. */
  peers(): string[];
  /** Whether `node` is a live (alive or suspect) member: snapshots of other nodes are ignored. */
  isLive(node: string): boolean;
  request(to: string, bytes: Uint8Array, timeoutMs: number, done: (reply: Uint8Array | null) => void): void;
  onRequest(fn: (from: string, bytes: Uint8Array, reply: (bytes: Uint8Array) => void) => void): void;
}

export interface CatalogSyncOptions {
  /** Anti-entropy period: one random peer's versions are compared this often. @default 1000 */
  intervalMs: number;
  /** Timeout of one exchange. @default 5000 */
  timeoutMs: number;
  /** Most pushes in flight at once. @default 16 */
  maxConcurrentPushes: number;
}

export const DEFAULT_CATALOG_SYNC_OPTIONS: CatalogSyncOptions = {
  intervalMs: 1000,
  timeoutMs: 5000,
  maxConcurrentPushes: 16,
};

/**
 * Keeps every gateway's Catalog equal: this node's own registrations
 * (LocalServices) are pushed to every live peer when they change, and every
 * `intervalMs` one random peer's version table is compared so what a push
 * missed (loss, partitions, late joiners) converges both ways. A node that
 * fails or leaves is dropped by `nodeGone` (the agent calls it on overlay
 * fail/leave events); snapshots of nodes that are not live are ignored, so a
 * stale relay cannot bring a dead node's services back.
 */
export class CatalogSync {
  private timer: TimerHandle | null = null;
  private ttlTimer: TimerHandle | null = null;

  constructor(
    private readonly local: LocalServices,
    private readonly catalog: Catalog,
    private readonly link: CatalogLink,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly opts: CatalogSyncOptions = DEFAULT_CATALOG_SYNC_OPTIONS,
  ) {
    link.onRequest((from, bytes, reply) => reply(encodeCatalog(this.answer(from, bytes))));
  }

  start(): void {
    if (this.timer) return;
    // Even empty, this boot's version goes into the version table, so peers holding
    // a previous boot's registrations learn they are gone.
    this.catalog.apply(this.local.snapshot());
    const tick = () => {
      this.antiEntropy();
      this.timer = this.clock.setTimer(this.opts.intervalMs, tick);
    };
    this.timer = this.clock.setTimer(this.rng.next() * this.opts.intervalMs, tick);
  }

  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    if (this.ttlTimer) this.clock.clearTimer(this.ttlTimer);
    this.timer = null;
    this.ttlTimer = null;
  }

  register(input: RegisterInput): ServiceInstance {
    let r: ReturnType<LocalServices["register"]>;
    try {
      r = this.local.register(input, this.clock.nowMs());
    } catch (err) {
      if (err instanceof ServiceRefusal && err.kind === "exhausted") {
        this.metrics.inc("catalog_limit_hits_total", { limit: err.field });
      }
      throw err;
    }
    if (r.changed) this.published();
    else this.scheduleTtl();
    return r.instance;
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
    if (this.local.size > 0) this.push([address]);
  }

  /** The local registrations changed: apply them here and push them to every peer. */
  private published(): void {
    this.catalog.apply(this.local.snapshot());
    this.push(this.link.peers());
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

  private push(peers: string[]): void {
    const bytes = encodeCatalog({ t: "push", snapshots: [this.local.snapshot()] });
    const queue = [...peers];
    const next = () => {
      const to = queue.shift();
      if (to === undefined) return;
      this.link.request(to, bytes, this.opts.timeoutMs, (reply) => {
        if (reply === null) this.metrics.inc("catalog_push_failures_total");
        next();
      });
    };
    for (let i = 0; i < Math.min(this.opts.maxConcurrentPushes, queue.length); i++) next();
  }

  private rows(): VersionRow[] {
    const rows: VersionRow[] = [];
    for (const node of this.catalog.knownNodes()) {
      const v = this.catalog.version(node);
      if (v) rows.push([node, v.bootMs, v.counter]);
    }
    return rows;
  }

  private antiEntropy(): void {
    const peers = this.link.peers();
    if (peers.length === 0) return;
    const peer = peers[this.rng.int(peers.length)]!;
    this.link.request(
      peer,
      encodeCatalog({ t: "summary", rows: this.rows() }),
      this.opts.timeoutMs,
      (reply) => {
        if (reply === null) return;
        const d = decodeCatalog(reply);
        if (!d.ok || d.msg.t !== "answer") return this.dropped(peer, d.ok ? "unexpected reply" : d.error);
        this.take(d.msg.snapshots);
        const mine = d.msg.want.map((n) => this.catalog.snapshotOf(n)).filter((s) => s !== undefined);
        if (mine.length > 0) {
          this.link.request(
            peer,
            encodeCatalog({ t: "push", snapshots: mine }),
            this.opts.timeoutMs,
            () => {},
          );
        }
      },
    );
  }

  private take(snaps: readonly Snapshot[]): void {
    for (const s of snaps) {
      // Only the owner speaks for its own registrations.
      if (s.node === this.local.node) continue;
      if (!this.link.isLive(s.node)) {
        this.metrics.inc("catalog_snapshots_of_gone_nodes_total");
        continue;
      }
      this.catalog.apply(s);
    }
  }

  /** Serves a peer's push or version table. */
  private answer(from: string, bytes: Uint8Array): CatalogMessage {
    const d = decodeCatalog(bytes);
    if (!d.ok) {
      this.dropped(from, d.error);
      return { t: "ack" };
    }
    const m = d.msg;
    if (m.t === "push") {
      this.take(m.snapshots);
      return { t: "ack" };
    }
    if (m.t !== "summary") return { t: "ack" };
    const theirs = new Map(m.rows.map(([node, bootMs, counter]) => [node, { bootMs, counter }]));
    const newer: Snapshot[] = [];
    for (const node of this.catalog.knownNodes()) {
      const mine = this.catalog.snapshotOf(node);
      const t = theirs.get(node);
      if (mine && (!t || compareVersions(mine, t) > 0)) newer.push(mine);
    }
    const want = m.rows
      .filter(([node, bootMs, counter]) => {
        if (node === this.local.node || !this.link.isLive(node)) return false;
        const mine = this.catalog.version(node);
        return !mine || compareVersions({ bootMs, counter }, mine) > 0;
      })
      .map(([node]) => node);
    return { t: "answer", snapshots: newer, want };
  }

  private dropped(from: string, why: string): void {
    this.metrics.inc("catalog_dropped_messages_total");
    this.log.debug("catalog: dropped a sync message", { from, why });
  }
}

import type { Logger, Metrics } from "../observe/index.js";
import type { Clock, Rng, TimerHandle } from "../transport/index.js";
import type { RegistryEntry } from "./entry.js";
import type { RegisterRequest, RegisterResult, Registry } from "./registry.js";
import { decodeSync, encodeSync, type SyncMessage } from "./wire.js";

/** How the registry reaches its peers (the bus's channel mux over the overlay in the agent). */
export interface SyncLink {
  /** Overlay addresses of the live members other than this node. */
  peers(): string[];
  request(to: string, bytes: Uint8Array, timeoutMs: number, done: (reply: Uint8Array | null) => void): void;
  onRequest(fn: (from: string, bytes: Uint8Array, reply: (bytes: Uint8Array) => void) => void): void;
}

export interface RegistrySyncOptions {
  /** Anti-entropy period: one random peer's summary is compared this often. @default 1000 */
  intervalMs: number;
  /** Timeout of one sync exchange. @default 5000 */
  timeoutMs: number;
  /** Most pushes of a new registration in flight at once. @default 16 */
  maxConcurrentPushes: number;
}

export const DEFAULT_SYNC_OPTIONS: RegistrySyncOptions = {
  intervalMs: 1000,
  timeoutMs: 5000,
  maxConcurrentPushes: 16,
};

/**
 * Replicates a Registry: a local registration is pushed to every live peer at
 * once, and every `intervalMs` one random peer's summary (name, version,
 * fingerprint per type) is compared so whatever a push missed (loss,
 * partitions, nodes joining later) converges by anti-entropy, both ways.
 */
export class RegistrySync {
  private timer: TimerHandle | null = null;

  constructor(
    private readonly registry: Registry,
    private readonly link: SyncLink,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly opts: RegistrySyncOptions = DEFAULT_SYNC_OPTIONS,
  ) {
    link.onRequest((from, bytes, reply) => reply(encodeSync(this.answer(from, bytes))));
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.antiEntropy();
      this.timer = this.clock.setTimer(this.opts.intervalMs, tick);
    };
    this.timer = this.clock.setTimer(this.rng.next() * this.opts.intervalMs, tick);
  }

  stop(): void {
    if (this.timer) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** Registers locally and, when something changed, pushes the new version to every peer. */
  register(req: RegisterRequest): RegisterResult {
    const r = this.registry.register(req);
    if (r.ok && r.created) this.push(r.entry, this.link.peers());
    return r;
  }

  private push(entry: RegistryEntry, peers: string[]): void {
    const bytes = encodeSync({ t: "push", entries: [entry] });
    const queue = [...peers];
    const next = () => {
      const to = queue.shift();
      if (to === undefined) return;
      this.link.request(to, bytes, this.opts.timeoutMs, (reply) => {
        if (reply === null) this.metrics.inc("registry_push_failures_total");
        next();
      });
    };
    for (let i = 0; i < Math.min(this.opts.maxConcurrentPushes, queue.length); i++) next();
  }

  private antiEntropy(): void {
    const peers = this.link.peers();
    if (peers.length === 0) return;
    const peer = peers[this.rng.int(peers.length)]!;
    const summary = encodeSync({ t: "summary", rows: this.registry.summary() });
    this.link.request(peer, summary, this.opts.timeoutMs, (reply) => {
      if (reply === null) return;
      const d = decodeSync(reply);
      if (!d.ok || d.msg.t !== "answer") return this.dropped(peer, d.ok ? "unexpected reply" : d.error);
      for (const e of d.msg.entries) this.registry.merge(e);
      const mine = d.msg.want.map((n) => this.registry.get(n)?.entry).filter((e) => e !== undefined);
      if (mine.length > 0) {
        this.link.request(peer, encodeSync({ t: "push", entries: mine }), this.opts.timeoutMs, () => {});
      }
    });
  }

  /** Serves a peer's push or summary. */
  private answer(from: string, bytes: Uint8Array): SyncMessage {
    const d = decodeSync(bytes);
    if (!d.ok) {
      this.dropped(from, d.error);
      return { t: "ack" };
    }
    const m = d.msg;
    if (m.t === "push") {
      for (const e of m.entries) this.registry.merge(e);
      return { t: "ack" };
    }
    if (m.t !== "summary") return { t: "ack" };
    const theirs = new Map(m.rows.map(([name, version, fp]) => [name, { version, fp }]));
    const newer: RegistryEntry[] = [];
    for (const e of this.registry.list()) {
      const t = theirs.get(e.name);
      if (!t || t.version < e.version || (t.version === e.version && t.fp < e.fingerprint)) newer.push(e);
    }
    const want = m.rows
      .filter(([name, version, fp]) => {
        const mine = this.registry.get(name)?.entry;
        return !mine || mine.version < version || (mine.version === version && mine.fingerprint < fp);
      })
      .map(([name]) => name);
    return { t: "answer", entries: newer, want };
  }

  private dropped(from: string, why: string): void {
    this.metrics.inc("registry_dropped_messages_total");
    this.log.debug("registry: dropped a sync message", { from, why });
  }
}

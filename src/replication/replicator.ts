import type { Logger, Metrics } from "../observe/index.js";
import { periodic, type Clock, type PeriodicTimer, type Rng } from "../transport/index.js";
import { decodeMessage, encodeMessage, type ItemCodec, type ReplicationMessage } from "./wire.js";

/** How a replica reaches its peers (a channel of the bus's mux over the overlay in the agent). */
export interface ReplicationLink {
  /** Overlay addresses of the live members other than this node. */
  peers(): string[];
  request(to: string, bytes: Uint8Array, timeoutMs: number, done: (reply: Uint8Array | null) => void): void;
  onRequest(fn: (from: string, bytes: Uint8Array, reply: (bytes: Uint8Array) => void) => void): void;
}

/**
 * What a user of the engine supplies: its wire codec and its state seen as
 * keyed items with a summary row per key. The engine knows nothing else of it.
 */
export interface Replica<I, R> {
  readonly codec: ItemCodec<I, R>;
  /** One row per key this node holds, for a peer to compare with its own. */
  summarize(): R[];
  /** Against a peer's rows: items held here that are newer, and keys of theirs this node wants. */
  diff(theirs: readonly R[]): { newer: I[]; want: string[] };
  /** Items from a peer (a push or an answer); the replica decides what to keep. */
  take(items: readonly I[]): void;
  /** The held items of `keys`; keys held no more are skipped. */
  itemsFor(keys: readonly string[]): I[];
}

export interface ReplicatorOptions {
  /** Anti-entropy period: one random peer's summary is compared this often. @default 1000 */
  intervalMs: number;
  /** Timeout of one exchange. @default 5000 */
  timeoutMs: number;
  /** Most pushes in flight at once. @default 16 */
  maxConcurrentPushes: number;
}

export const DEFAULT_REPLICATOR_OPTIONS: ReplicatorOptions = {
  intervalMs: 1000,
  timeoutMs: 5000,
  maxConcurrentPushes: 16,
};

export interface ReplicatorDeps {
  link: ReplicationLink;
  clock: Clock;
  rng: Rng;
  log: Logger;
  metrics: Metrics;
}

/**
 * Replicates keyed state by push plus anti-entropy: `push` sends items to
 * peers at once (at most `maxConcurrentPushes` in flight), and every
 * `intervalMs` one random peer's summary is compared so whatever a push missed
 * (loss, partitions, late joiners) converges, both ways. `name` prefixes the
 * metrics `<name>_push_failures_total` and `<name>_dropped_messages_total`
 * and the debug log "<name>: dropped a sync message".
 */
export class Replicator<I, R> {
  private timer: PeriodicTimer | null = null;

  constructor(
    private readonly name: string,
    private readonly replica: Replica<I, R>,
    private readonly deps: ReplicatorDeps,
    private readonly opts: ReplicatorOptions = DEFAULT_REPLICATOR_OPTIONS,
  ) {
    deps.link.onRequest((from, bytes, reply) => reply(this.encode(this.answer(from, bytes))));
  }

  get running(): boolean {
    return this.timer !== null;
  }

  /** Starts anti-entropy: the first round at a random point of the first interval, so nodes spread out. */
  start(): void {
    if (this.timer) return;
    const { clock, rng } = this.deps;
    this.timer = periodic(clock, rng.next() * this.opts.intervalMs, () => {
      this.antiEntropy();
      return this.opts.intervalMs;
    });
  }

  stop(): void {
    this.timer?.stop();
    this.timer = null;
  }

  /** Sends `items` to each of `peers` (every live peer by default), failures counted. */
  push(items: I[], peers: readonly string[] = this.deps.link.peers()): void {
    const { link, metrics } = this.deps;
    const bytes = this.encode({ t: "push", items });
    const queue = [...peers];
    const next = () => {
      const to = queue.shift();
      if (to === undefined) return;
      link.request(to, bytes, this.opts.timeoutMs, (reply) => {
        if (reply === null) metrics.inc(`${this.name}_push_failures_total`);
        next();
      });
    };
    for (let i = 0; i < Math.min(this.opts.maxConcurrentPushes, queue.length); i++) next();
  }

  /** One round: send a random peer our summary, take its newer items, push it what it wants. */
  private antiEntropy(): void {
    const { link, rng } = this.deps;
    const peers = link.peers();
    if (peers.length === 0) return;
    const peer = peers[rng.int(peers.length)]!;
    const summary = this.encode({ t: "summary", rows: this.replica.summarize() });
    link.request(peer, summary, this.opts.timeoutMs, (reply) => {
      if (reply === null) return;
      const d = decodeMessage(this.replica.codec, reply);
      if (!d.ok || d.msg.t !== "answer") return this.dropped(peer, d.ok ? "unexpected reply" : d.error);
      this.replica.take(d.msg.items);
      const mine = this.replica.itemsFor(d.msg.want);
      if (mine.length > 0)
        link.request(peer, this.encode({ t: "push", items: mine }), this.opts.timeoutMs, () => {});
    });
  }

  /** Serves a peer's push or summary. */
  private answer(from: string, bytes: Uint8Array): ReplicationMessage<I, R> {
    const d = decodeMessage(this.replica.codec, bytes);
    if (!d.ok) {
      this.dropped(from, d.error);
      return { t: "ack" };
    }
    const m = d.msg;
    if (m.t === "push") {
      this.replica.take(m.items);
      return { t: "ack" };
    }
    if (m.t !== "summary") return { t: "ack" };
    const { newer, want } = this.replica.diff(m.rows);
    return { t: "answer", items: newer, want };
  }

  private encode(m: ReplicationMessage<I, R>): Uint8Array {
    return encodeMessage(this.replica.codec, m);
  }

  private dropped(from: string, why: string): void {
    this.deps.metrics.inc(`${this.name}_dropped_messages_total`);
    this.deps.log.debug(`${this.name}: dropped a sync message`, { from, why });
  }
}

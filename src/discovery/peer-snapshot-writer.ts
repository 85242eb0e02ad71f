import type { Logger, Metrics } from "../observe/index.js";
import type { MemberInfo } from "../overlay/index.js";
import type { Clock, TimerHandle } from "../transport/index.js";
import { choosePeers, type PeerRecord, type PeerSnapshotLimits } from "./peer-snapshot.js";

export interface PeerSnapshotWriterDeps {
  clock: Clock;
  /** Every member the overlay knows, this node included. */
  members: () => readonly MemberInfo[];
  /** Persists the peers (writePeerSnapshot); a rejection is logged and counted, then retried on the next change. */
  save: (peers: PeerRecord[]) => Promise<void>;
  log: Logger;
  metrics: Metrics;
}

/**
 * Keeps the peer snapshot current: call changed() on membership events; writes happen at most once per
 * minWriteGapMs and only when the peer list differs from the last one written. Until this run has seen
 * a peer, the previous run's snapshot is left alone (a node that has not rejoined yet must not forget
 * where its cluster was).
 * Metrics: discovery_snapshot_writes_total{result}, discovery_snapshot_peers_cut_total (over maxPeers).
 */
export class PeerSnapshotWriter {
  private last: string;
  private lastWriteMs = -Infinity;
  private timer: TimerHandle | null = null;
  private writing: Promise<void> | null = null;
  private seenPeers = false;
  private stopped = false;

  constructor(
    private readonly self: string,
    loaded: readonly PeerRecord[],
    private readonly limits: PeerSnapshotLimits,
    private readonly deps: PeerSnapshotWriterDeps,
  ) {
    this.last = JSON.stringify(loaded);
  }

  /** Membership changed: write soon (coalesced). */
  changed(): void {
    if (this.stopped || this.timer !== null) return;
    const wait = Math.max(0, this.lastWriteMs + this.limits.minWriteGapMs - this.deps.clock.nowMs());
    this.timer = this.deps.clock.setTimer(wait, () => {
      this.timer = null;
      void this.write();
    });
  }

  /** Writes now if anything changed, and stops further writes (agent shutdown). */
  async flush(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.deps.clock.clearTimer(this.timer);
    this.timer = null;
    await this.writing;
    await this.write(true);
  }

  private async write(final = false): Promise<void> {
    if (this.writing !== null) {
      if (!final) this.changed();
      return this.writing;
    }
    const { peers, cut } = choosePeers(this.deps.members(), this.self, this.limits.maxPeers);
    if (peers.length > 0) this.seenPeers = true;
    const text = JSON.stringify(peers);
    if (!this.seenPeers || text === this.last) return;
    if (cut > 0) this.deps.metrics.inc("discovery_snapshot_peers_cut_total", undefined, cut);
    this.lastWriteMs = this.deps.clock.nowMs();
    this.writing = this.deps
      .save(peers)
      .then(() => {
        this.last = text;
        this.deps.metrics.inc("discovery_snapshot_writes_total", { result: "ok" });
      })
      .catch((err: Error) => {
        this.deps.metrics.inc("discovery_snapshot_writes_total", { result: "error" });
        this.deps.log.warn("could not write the peer snapshot", { error: err.message });
      })
      .finally(() => {
        this.writing = null;
      });
    return this.writing;
  }
}

import type { BusCtx } from "./ctx.js";
import type { Delivery } from "./delivery.js";
import type { Seeker } from "./seek.js";
import type { Stream } from "./stream.js";
import type { AntiEntropy } from "./anti-entropy.js";

/**
 * The repair clock: streams with a gap (digests held back behind a missing
 * one) pull it after `gapPullDelayMs` and every `gapRetryMs`, and give it up
 * after `maxGapWaitMs` (or `gapEvidenceWaitMs` once the origin said it no
 * longer holds it), so delivery never stalls forever. Seeking streams retry
 * their seek and, after `maxSeekWaitMs`, start at what arrived.
 */
export class Repairer {
  readonly gapped = new Set<Stream>();
  readonly seeking = new Set<Stream>();

  constructor(
    private readonly ctx: BusCtx,
    private readonly antiEntropy: AntiEntropy,
    private readonly seeker: Seeker,
    private readonly delivery: Delivery,
    private readonly drain: (s: Stream) => void,
  ) {}

  tick(): void {
    const now = this.ctx.clock.nowMs();
    for (const s of this.gapped) this.gap(s, now);
    for (const s of this.seeking) this.seek(s, now);
  }

  private gap(s: Stream, now: number): void {
    const { cfg } = this.ctx;
    if (!s.active || s.held === 0 || s.gapSinceMs === null) {
      if (s.held === 0) this.gapped.delete(s);
      return;
    }
    const waited = now - s.gapSinceMs;
    const limit = s.originLacks ? cfg.gapEvidenceWaitMs : cfg.maxGapWaitMs;
    if (waited >= limit) {
      const lost = s.skipGap(now);
      if (lost !== null) {
        this.ctx.log.warn("bus: gap given up", {
          origin: s.origin,
          type: s.type,
          from: lost.from.typeSeq,
          to: lost.to.typeSeq,
        });
        this.delivery.lost(s, lost.from, lost.to);
        this.drain(s);
      }
      return;
    }
    if (waited >= cfg.gapPullDelayMs && now - s.lastPullMs >= cfg.gapRetryMs) {
      s.lastPullMs = now;
      this.antiEntropy.pull(s);
    }
  }

  private seek(s: Stream, now: number): void {
    const { cfg } = this.ctx;
    if (s.active) {
      this.seeking.delete(s);
      return;
    }
    const low = s.lowestHeld();
    if (now - s.seekSinceMs >= cfg.maxSeekWaitMs && low !== undefined) {
      this.ctx.metrics.inc("bus_seek_timeouts_total");
      this.ctx.activate(s, { typeSeq: low.typeSeq - 1, seq: low.seq - 1, publishTimeMs: low.publishTimeMs });
      return;
    }
    if (!s.seekInFlight && now - s.lastPullMs >= cfg.gapRetryMs) {
      s.lastPullMs = now;
      this.seeker.seek(s);
    }
  }
}

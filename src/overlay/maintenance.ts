import type { Address } from "../transport/index.js";
import { COMPOUND_PART_OVERHEAD, DEFAULT_CODEC_LIMITS } from "./codec.js";
import { pushPullScaleMs } from "./config.js";
import type { Ctx } from "./ctx.js";
import { isLive, snapshot, type Member } from "./members.js";
import type { PushPull } from "./pushpull.js";

/** The periodic work besides probing: gossip rounds, anti-entropy, reconnects and reaping. */
export class Maintenance {
  constructor(
    private readonly ctx: Ctx,
    private readonly pushPull: PushPull,
    private readonly seeds: () => Address[],
    private readonly join: (seeds: Address[]) => void,
  ) {}

  gossip(): number {
    const { ctx } = this;
    const now = ctx.clock.nowMs();
    const targets = ctx.table.randomMembers(
      this.ctx.cfg.gossipNodes,
      (m) => m !== ctx.self && (isLive(m.status) || now - m.stateChangeMs < this.ctx.cfg.gossipToTheDeadMs),
    );
    for (const t of targets) {
      const parts = ctx.broadcasts.take(
        COMPOUND_PART_OVERHEAD,
        ctx.wire.partBudget(),
        DEFAULT_CODEC_LIMITS.maxCompoundParts,
      );
      if (parts.length === 0) break;
      ctx.wire.sendParts(t.address, parts);
    }
    return this.ctx.cfg.gossipIntervalMs;
  }

  periodicPushPull(): number {
    const { ctx } = this;
    const peer = ctx.table.randomMembers(1, (m) => m !== ctx.self && m.status === "alive")[0];
    if (peer !== undefined) this.pushPull.exchange(peer.address, false, () => {});
    return pushPullScaleMs(this.ctx.cfg.pushPullIntervalMs, ctx.table.liveCount);
  }

  /** Partition healing: retry a recently failed member (more often the more have failed), or a seed when alone. */
  reconnect(): number {
    const { ctx } = this;
    const now = ctx.clock.nowMs();
    const failed: Member[] = [];
    for (const m of [...ctx.table.all()]) {
      const age = now - m.stateChangeMs;
      if (m.status === "dead" && age >= this.ctx.cfg.reconnectTimeoutMs) this.reap(m);
      else if (m.status === "left" && age >= this.ctx.cfg.tombstoneTimeoutMs) this.reap(m);
      else if (m.status === "dead") failed.push(m);
    }
    const others = ctx.table.liveCount - 1;
    const f = failed[ctx.rng.int(failed.length)];
    if (f !== undefined && ctx.rng.next() < failed.length / Math.max(1, others)) {
      ctx.metrics.inc("overlay_reconnect_attempts_total");
      this.pushPull.exchange(f.address, false, () => {});
    } else if (others === 0 && this.seeds().length > 0) {
      this.join([this.seeds()[ctx.rng.int(this.seeds().length)] as Address]);
    }
    return this.ctx.cfg.reconnectIntervalMs;
  }

  private reap(m: Member): void {
    this.ctx.table.remove(m.name);
    this.ctx.events.emit({ type: "reap", member: snapshot(m), atMs: this.ctx.clock.nowMs() });
  }
}

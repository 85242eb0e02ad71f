import type { Address, TimerHandle } from "../transport/index.js";
import type { Ctx } from "./ctx.js";
import { isLive, type Member } from "./members.js";
import type { IndirectPingMsg, Message, PingMsg } from "./messages.js";
import type { MembershipState } from "./state.js";

/** A reliable request/response over the stream transport; `done(null)` on any failure. */
export type StreamRequest = (
  to: Address,
  msg: Message,
  timeoutMs: number,
  done: (reply: Message[] | null) => void,
) => void;

interface AckWaiter {
  onAck: () => void;
  onNack: () => void;
  timer: TimerHandle | null;
}

interface ProbeRun {
  target: Member;
  incarnation: number;
  seq: number;
  deadlineMs: number;
  /** The verdict was postponed once because our own event loop was late. */
  deferred: boolean;
  done: boolean;
  nacks: number;
  expectedNacks: number;
  timers: TimerHandle[];
}

/**
 * SWIM failure detection: one probe per (health-scaled) interval. Direct ping;
 * after probeTimeoutMs, indirect pings through k helpers plus a stream ping;
 * at the deadline, suspect the target. Lifeguard: helpers nack, missed nacks
 * and failed probes raise our own health score, successes lower it; a suspect
 * target gets its accusation along with the ping (buddy system).
 */
export class Prober {
  private seq: number;
  private readonly waiters = new Map<number, AckWaiter>();
  private current: ProbeRun | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly state: MembershipState,
    private readonly streamRequest: StreamRequest,
  ) {
    this.seq = ctx.rng.int(0x7fffffff);
  }

  /** Starts one probe; returns ms until the next one should start. */
  probe(): number {
    const { ctx } = this;
    const interval = ctx.cfg.lifeguard
      ? ctx.awareness.scaleMs(ctx.cfg.probeIntervalMs)
      : ctx.cfg.probeIntervalMs;
    ctx.metrics.gauge("overlay_health_score", ctx.awareness.score);
    const target = ctx.table.nextProbe((m) => m !== ctx.self && isLive(m.status));
    if (target === undefined) return interval;
    const run: ProbeRun = {
      target,
      incarnation: target.incarnation,
      seq: this.nextSeq(),
      deadlineMs: ctx.clock.nowMs() + interval,
      deferred: false,
      done: false,
      nacks: 0,
      expectedNacks: 0,
      timers: [],
    };
    this.current = run;
    // No expiry of its own: the run's deadline decides, and finish() removes the waiter.
    const registered = this.await(
      run.seq,
      null,
      () => this.succeed(run),
      () => run.nacks++,
    );
    if (!registered) return interval;
    const msgs: Message[] = [this.ping(run.seq, target)];
    if (target.status === "suspect" && ctx.cfg.lifeguard) {
      msgs.push({ type: "suspect", incarnation: target.incarnation, node: target.name, from: ctx.self.name });
    }
    ctx.send(target.address, msgs);
    ctx.metrics.inc("overlay_probes_total");
    ctx.log.debug("overlay: probing", { node: target.name, seq: run.seq, intervalMs: interval });
    run.timers.push(ctx.clock.setTimer(ctx.cfg.probeTimeoutMs, () => this.indirect(run, interval)));
    run.timers.push(ctx.clock.setTimer(interval, () => this.fail(run)));
    return interval;
  }

  private indirect(run: ProbeRun, intervalMs: number): void {
    if (run.done) return;
    const { ctx } = this;
    const target = run.target;
    const helpers = ctx.table.randomMembers(
      ctx.cfg.indirectChecks,
      (m) => m !== ctx.self && m !== target && m.status === "alive",
    );
    const wantNack = ctx.cfg.lifeguard;
    for (const h of helpers) {
      const ind: IndirectPingMsg = {
        type: "indirect-ping",
        seq: run.seq,
        target: target.name,
        targetAddr: target.address,
        wantNack,
        sourceName: ctx.self.name,
        sourceAddr: ctx.self.address,
      };
      ctx.send(h.address, [ind]);
    }
    run.expectedNacks = wantNack ? helpers.length : 0;
    if (!ctx.cfg.tcpFallbackProbe) return;
    const remaining = Math.max(1, intervalMs - ctx.cfg.probeTimeoutMs);
    this.streamRequest(target.address, this.ping(run.seq, target), remaining, (reply) => {
      if (run.done || reply === null) return;
      if (!reply.some((m) => m.type === "ack" && m.seq === run.seq)) return;
      ctx.rlog.warn("overlay: member reachable over stream but not datagrams; check UDP", {
        node: target.name,
      });
      ctx.metrics.inc("overlay_probe_stream_only_total");
      this.succeed(run);
    });
  }

  private succeed(run: ProbeRun): void {
    if (run.done) return;
    this.finish(run);
    if (this.ctx.cfg.lifeguard) this.ctx.awareness.applyDelta(-1);
  }

  private fail(run: ProbeRun): void {
    if (run.done) return;
    const { ctx } = this;
    // Lifeguard on an event loop: a deadline that fires late means *we* were stalled, and the
    // target's ack may be sitting unread in our socket. Count it against our health and give
    // the verdict one more turn of the loop, after queued input, before accusing anyone.
    const lateMs = ctx.clock.nowMs() - run.deadlineMs;
    if (ctx.cfg.lifeguard && !run.deferred && lateMs > ctx.cfg.probeTimeoutMs / 5) {
      ctx.log.debug("overlay: probe deadline fired late; deferring the verdict", {
        node: run.target.name,
        lateMs,
      });
      run.deferred = true;
      ctx.awareness.applyDelta(1);
      ctx.metrics.inc("overlay_probe_verdicts_deferred_total");
      run.timers.push(ctx.clock.setTimer(0, () => this.fail(run)));
      return;
    }
    this.finish(run);
    if (ctx.cfg.lifeguard) {
      // Missing nacks mean our own network or CPU is the likely problem.
      const missed = run.expectedNacks > 0 ? Math.max(0, run.expectedNacks - run.nacks) : 1;
      ctx.awareness.applyDelta(missed);
    }
    ctx.metrics.inc("overlay_probes_failed_total");
    ctx.log.debug("overlay: probe failed, suspecting", { node: run.target.name });
    this.state.suspectNode({
      type: "suspect",
      incarnation: run.incarnation,
      node: run.target.name,
      from: ctx.self.name,
    });
  }

  private finish(run: ProbeRun): void {
    run.done = true;
    for (const t of run.timers) this.ctx.clock.clearTimer(t);
    this.forget(run.seq);
    if (this.current === run) this.current = null;
  }

  handlePing(from: Address, ping: PingMsg): void {
    const { ctx } = this;
    if (ping.target !== "" && ping.target !== ctx.self.name) {
      ctx.metrics.inc("overlay_dropped_total", { reason: "wrong-target" });
      ctx.rlog.warn("overlay: ping meant for another node name; ignored", { from, target: ping.target });
      return;
    }
    ctx.send(from, [{ type: "ack", seq: ping.seq }]);
  }

  /** Probe `target` on someone's behalf; relay the ack, or a nack if it stays silent. */
  handleIndirectPing(from: Address, ind: IndirectPingMsg): void {
    const { ctx } = this;
    const localSeq = this.nextSeq();
    let acked = false;
    const ok = this.await(
      localSeq,
      ctx.cfg.probeTimeoutMs,
      () => {
        acked = true;
        this.forget(localSeq);
        ctx.send(from, [{ type: "ack", seq: ind.seq }]);
      },
      () => {},
      () => {
        if (!acked && ind.wantNack) ctx.send(from, [{ type: "nack", seq: ind.seq }]);
      },
    );
    if (!ok) return;
    const ping: PingMsg = {
      type: "ping",
      seq: localSeq,
      target: ind.target,
      sourceName: ctx.self.name,
      sourceAddr: ctx.self.address,
    };
    ctx.send(ind.targetAddr, [ping]);
  }

  handleAck(seq: number): void {
    this.waiters.get(seq)?.onAck();
  }

  handleNack(seq: number): void {
    this.waiters.get(seq)?.onNack();
  }

  stop(): void {
    if (this.current !== null) this.finish(this.current);
    for (const w of this.waiters.values()) if (w.timer !== null) this.ctx.clock.clearTimer(w.timer);
    this.waiters.clear();
  }

  private ping(seq: number, target: Member): PingMsg {
    const s = this.ctx.self;
    return { type: "ping", seq, target: target.name, sourceName: s.name, sourceAddr: s.address };
  }

  private await(
    seq: number,
    timeoutMs: number | null,
    onAck: () => void,
    onNack: () => void,
    onTimeout?: () => void,
  ): boolean {
    if (this.waiters.size >= this.ctx.cfg.maxPendingAcks) {
      this.ctx.metrics.inc("overlay_limit_hits_total", { limit: "pending-acks" });
      return false;
    }
    const timer =
      timeoutMs === null
        ? null
        : this.ctx.clock.setTimer(timeoutMs, () => {
            this.waiters.delete(seq);
            onTimeout?.();
          });
    this.waiters.set(seq, { onAck, onNack, timer });
    return true;
  }

  private forget(seq: number): void {
    const w = this.waiters.get(seq);
    if (w === undefined) return;
    if (w.timer !== null) this.ctx.clock.clearTimer(w.timer);
    this.waiters.delete(seq);
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    return this.seq;
  }
}

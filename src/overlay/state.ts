import { suspicionTimeoutMs } from "./config.js";
import type { Ctx } from "./ctx.js";
import type { MemberEventType } from "./events.js";
import { metaEqual, snapshot, type Member } from "./members.js";
import type { AliveMsg, DeadMsg, PushNodeState, SuspectMsg } from "./messages.js";
import { Suspicion } from "./suspicion.js";

/**
 * SWIM membership rules with incarnation numbers, as memberlist applies them:
 * newer incarnation wins; suspect beats alive at the same incarnation; dead
 * beats both; a node refutes news of its own suspicion or death by bumping its
 * incarnation. Lifeguard's dynamic suspicion timers live here.
 */
export class MembershipState {
  private readonly suspicions = new Map<string, Suspicion>();

  constructor(private readonly ctx: Ctx) {}

  aliveNode(a: AliveMsg, bootstrap = false): void {
    const { ctx } = this;
    const isLocal = a.node === ctx.self.name;
    if (isLocal && ctx.leaving) return;
    let m = ctx.table.get(a.node);
    if (m === undefined) {
      if (ctx.table.size >= ctx.cfg.maxMembers) {
        ctx.metrics.inc("overlay_members_refused_total", { reason: "max-members" });
        ctx.rlog.warn("overlay: member table full, ignoring new member", { node: a.node });
        return;
      }
      m = fromAlive(a, ctx.clock.nowMs());
      ctx.table.add(m);
      this.accept(m, a, "dead");
      return;
    }
    if (m.address !== a.addr && !this.addressChangeAllowed(m, a)) return;
    if (!isLocal && a.incarnation <= m.incarnation) return;
    if (isLocal && a.incarnation < m.incarnation) return;
    if (isLocal && !bootstrap) {
      if (a.incarnation === m.incarnation && a.addr === m.address && metaEqual(a.meta, m.meta)) return;
      this.refute(a.incarnation);
      ctx.log.warn("overlay: refuting an alive message about us", { incarnation: a.incarnation });
      return;
    }
    const oldStatus = m.status;
    ctx.table.setAddress(m, a.addr);
    this.accept(m, a, oldStatus);
  }

  private accept(m: Member, a: AliveMsg, oldStatus: Member["status"]): void {
    const { ctx } = this;
    ctx.broadcast(a.node, a);
    const metaChanged = !metaEqual(m.meta, a.meta);
    ctx.table.setIncarnation(m, a.incarnation);
    m.meta = a.meta;
    this.clearSuspicion(m.name);
    ctx.table.setStatus(m, "alive", ctx.clock.nowMs());
    if (oldStatus === "dead" || oldStatus === "left") this.emit("join", m);
    else if (oldStatus === "suspect") this.emit("alive", m);
    if (metaChanged && oldStatus !== "dead" && oldStatus !== "left") this.emit("update", m);
  }

  /** A known name at a new address: allowed only for left (or long-dead) members. */
  private addressChangeAllowed(m: Member, a: AliveMsg): boolean {
    const { ctx } = this;
    const reclaim = ctx.clock.nowMs() - m.stateChangeMs >= ctx.cfg.deadNodeReclaimMs;
    if (m.name !== ctx.self.name && (m.status === "left" || (m.status === "dead" && reclaim))) {
      ctx.log.info("overlay: member came back at a new address", {
        node: m.name,
        from: m.address,
        to: a.addr,
      });
      return true;
    }
    ctx.metrics.inc("overlay_name_conflicts_total");
    ctx.rlog.warn("overlay: name conflict: a node claims a name held by another address; refused", {
      node: a.node,
      held: m.address,
      claimed: a.addr,
    });
    return false;
  }

  suspectNode(s: SuspectMsg): void {
    const { ctx } = this;
    const m = ctx.table.get(s.node);
    if (m === undefined || s.incarnation < m.incarnation) return;
    const timer = this.suspicions.get(s.node);
    if (timer !== undefined) {
      if (timer.confirm(s.from)) ctx.broadcast(s.node, s);
      return;
    }
    if (m.status === "left") {
      this.retellLeave(m);
      return;
    }
    if (m.status !== "alive") return;
    if (m.name === ctx.self.name) {
      this.refute(s.incarnation);
      ctx.rlog.warn("overlay: refuting a suspicion about us", { from: s.from });
      return;
    }
    ctx.broadcast(s.node, s);
    ctx.metrics.inc("overlay_suspicions_total");
    ctx.table.setIncarnation(m, s.incarnation);
    ctx.table.setStatus(m, "suspect", ctx.clock.nowMs());
    this.startSuspicion(m, s.from);
    this.emit("suspect", m, s.from);
  }

  private startSuspicion(m: Member, from: string): void {
    const { cfg, table } = this.ctx;
    const n = table.liveCount;
    // Confirmations expected: the nominal timeout is hit two probe periods early, as in memberlist.
    let k = cfg.suspicionMult - 2;
    if (n - 2 < k || !cfg.lifeguard) k = 0;
    const min = suspicionTimeoutMs(cfg.suspicionMult, n, cfg.probeIntervalMs);
    const max = cfg.lifeguard ? cfg.suspicionMaxTimeoutMult * min : min;
    const incarnation = m.incarnation;
    const timer = new Suspicion(this.ctx.clock, from, k, min, max, (confirmations) => {
      if (this.suspicions.get(m.name) !== timer) return;
      this.suspicions.delete(m.name);
      if (m.status !== "suspect" || m.incarnation !== incarnation) return;
      this.ctx.log.info("overlay: marking member failed, suspicion timed out", {
        node: m.name,
        confirmations,
      });
      this.deadNode({ type: "dead", incarnation, node: m.name, from: this.ctx.self.name });
    });
    this.suspicions.set(m.name, timer);
  }

  deadNode(d: DeadMsg): void {
    const { ctx } = this;
    const m = ctx.table.get(d.node);
    if (m === undefined || d.incarnation < m.incarnation) return;
    this.clearSuspicion(d.node);
    const leave = d.from === d.node;
    if (m.status === "left") {
      if (!leave) this.retellLeave(m);
      return;
    }
    // A leave notice outranks our own failure verdict (as Serf's leave intents do): it left, it did not fail.
    if (m.status === "dead" && !leave) return;
    if (m.name === ctx.self.name && !ctx.leaving) {
      this.refute(d.incarnation);
      ctx.rlog.warn("overlay: refuting a death notice about us", { from: d.from });
      return;
    }
    ctx.broadcast(d.node, d);
    ctx.table.setIncarnation(m, d.incarnation);
    ctx.table.setStatus(m, leave ? "left" : "dead", ctx.clock.nowMs());
    ctx.metrics.inc(leave ? "overlay_leaves_total" : "overlay_failures_total");
    this.emit(leave ? "leave" : "fail", m, d.from);
  }

  /**
   * Someone suspects or declares failed a member we know left: it missed the leave, so gossip the leave
   * again (bounded by the retransmit limit; the queue keeps one item per node) and it ends as left.
   */
  private retellLeave(m: Member): void {
    this.ctx.broadcast(m.name, { type: "dead", incarnation: m.incarnation, node: m.name, from: m.name });
  }

  /** Bump our incarnation above `seen` and gossip that we are alive; Lifeguard counts it against our health. */
  refute(seen: number): void {
    const { ctx } = this;
    ctx.table.setIncarnation(ctx.self, Math.max(ctx.self.incarnation, seen) + 1);
    if (ctx.cfg.lifeguard) ctx.awareness.applyDelta(1);
    ctx.metrics.inc("overlay_refutations_total");
    ctx.broadcast(ctx.self.name, this.selfAlive());
  }

  selfAlive(): AliveMsg {
    const s = this.ctx.self;
    return { type: "alive", incarnation: s.incarnation, node: s.name, addr: s.address, meta: s.meta };
  }

  /** Push-pull merge: remote "dead" only makes us suspect, so a partition heals without mass deaths. */
  mergeRemote(nodes: PushNodeState[]): void {
    const self = this.ctx.self.name;
    for (const r of nodes) {
      switch (r.status) {
        case "alive":
          this.aliveNode({
            type: "alive",
            incarnation: r.incarnation,
            node: r.name,
            addr: r.addr,
            meta: r.meta,
          });
          break;
        case "left":
          this.deadNode({ type: "dead", incarnation: r.incarnation, node: r.name, from: r.name });
          break;
        default:
          this.suspectNode({ type: "suspect", incarnation: r.incarnation, node: r.name, from: self });
      }
    }
  }

  clearSuspicion(name: string): void {
    this.suspicions.get(name)?.cancel();
    this.suspicions.delete(name);
  }

  stop(): void {
    for (const s of this.suspicions.values()) s.cancel();
    this.suspicions.clear();
  }

  private emit(type: MemberEventType, m: Member, by?: string): void {
    this.ctx.events.emit({ type, member: snapshot(m), by, atMs: this.ctx.clock.nowMs() });
  }
}

function fromAlive(a: AliveMsg, nowMs: number): Member {
  return {
    name: a.node,
    address: a.addr,
    incarnation: 0,
    status: "dead",
    meta: a.meta,
    stateChangeMs: nowMs,
  };
}

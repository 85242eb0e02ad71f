import type { Address } from "../transport/index.js";
import type { Ctx } from "./ctx.js";
import { isLive } from "./members.js";
import type { Message, PushNodeState, PushPullMsg } from "./messages.js";
import type { StreamRequest } from "./probe.js";
import type { MembershipState } from "./state.js";

export type PushPullResult = { ok: true } | { ok: false; error: string; message?: string };

/**
 * Anti-entropy: both sides send their whole member table (tombstones
 * included) over a stream and merge what they get. On join it is the first
 * contact; periodically it repairs anything gossip lost; after a partition it
 * tells each side that the other believes it dead, so it refutes and rejoins.
 */
export class PushPull {
  constructor(
    private readonly ctx: Ctx,
    private readonly state: MembershipState,
    private readonly request: StreamRequest,
  ) {}

  localState(): PushNodeState[] {
    const out: PushNodeState[] = [];
    for (const m of this.ctx.table.all()) {
      out.push({ name: m.name, addr: m.address, incarnation: m.incarnation, status: m.status, meta: m.meta });
    }
    return out;
  }

  /** Exchange state with the node at `addr`. */
  exchange(addr: Address, join: boolean, done: (r: PushPullResult) => void): void {
    const { ctx } = this;
    const req: PushPullMsg = { type: "push-pull", join, from: ctx.self.name, nodes: this.localState() };
    ctx.metrics.inc("overlay_push_pulls_total", { join: String(join) });
    this.request(addr, req, ctx.cfg.streamTimeoutMs, (reply) => {
      const m = reply?.[0];
      if (m === undefined) return done({ ok: false, error: "unreachable" });
      if (m.type === "error") {
        ctx.log.error(`overlay: ${addr} refused our state exchange: ${m.message}`, { code: m.code });
        return done({ ok: false, error: m.code, message: m.message });
      }
      if (m.type !== "push-pull") return done({ ok: false, error: "unexpected-reply" });
      this.state.mergeRemote(m.nodes);
      done({ ok: true });
    });
  }

  /** Inbound exchange: refuse a joiner whose name a live member at another address holds; else merge, then answer. */
  handle(req: PushPullMsg): Message {
    const { ctx } = this;
    const theirs = req.nodes.find((n) => n.name === req.from);
    const ours = ctx.table.get(req.from);
    if (req.join && theirs !== undefined && ours !== undefined && ours.address !== theirs.addr) {
      const held = ours === ctx.self || isLive(ours.status);
      if (held) {
        ctx.metrics.inc("overlay_name_conflicts_total");
        ctx.rlog.warn("overlay: refused a join: name already held by a live member at another address", {
          node: req.from,
          held: ours.address,
          claimed: theirs.addr,
        });
        return {
          type: "error",
          code: "name-conflict",
          message: `name ${req.from} is held by a live member at ${ours.address}`,
        };
      }
    }
    // Merging first lets our answer carry any refutation it triggered (faster partition healing).
    this.state.mergeRemote(req.nodes);
    return { type: "push-pull", join: false, from: ctx.self.name, nodes: this.localState() };
  }
}

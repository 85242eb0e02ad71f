import { ACK, decodeBusMessage } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import type { Digest } from "./digest.js";
import type { Discovery } from "./discover.js";
import type { Seeker } from "./seek.js";
import type { AntiEntropy } from "./anti-entropy.js";

/**
 * Inbound bus traffic: decodes (bounded, never throwing), counts what it
 * refuses by reason (bus_refused_total), and hands the rest on. Requests are
 * always answered, with an ACK when there is nothing else to say.
 */
export class Inbound {
  constructor(
    private readonly ctx: BusCtx,
    private readonly antiEntropy: AntiEntropy,
    private readonly seeker: Seeker,
    private readonly discovery: Discovery,
  ) {}

  packet(from: string, payload: Uint8Array): void {
    const r = decodeBusMessage(payload, this.ctx.cfg);
    if (!r.ok) return this.refuse(r.error);
    if (r.msg.kind !== "push") return this.refuse("unexpected");
    this.digests(from, r.msg.digests, r.msg.refused);
  }

  request(from: string, payload: Uint8Array, reply: (p: Uint8Array) => void): void {
    const r = decodeBusMessage(payload, this.ctx.cfg);
    if (!r.ok) {
      this.refuse(r.error);
      return reply(ACK);
    }
    const m = r.msg;
    switch (m.kind) {
      case "push":
        this.digests(from, m.digests, m.refused);
        return reply(ACK);
      case "sync-req":
        return reply(this.antiEntropy.answer(from, m.types, m.heads, m.sender));
      case "seek-req":
        return reply(this.seeker.answer(m.origin, m.epoch, m.type, m.sinceAgoMs, m.afterTypeSeq));
      case "discover-req":
        return reply(this.discovery.answer(m.types));
      default:
        this.refuse("unexpected");
        return reply(ACK);
    }
  }

  private digests(from: string, digests: Digest[], refused: number): void {
    if (refused > 0) this.ctx.metrics.inc("bus_refused_total", { reason: "record" }, refused);
    const name = this.ctx.interest.nameAt(from) ?? null;
    this.ctx.receive(digests, name, "push");
  }

  private refuse(reason: string): void {
    this.ctx.metrics.inc("bus_refused_total", { reason });
  }
}

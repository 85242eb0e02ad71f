import type { TimerHandle } from "../transport/index.js";
import { Channel } from "./channels.js";
import { BatchWriter, Kind } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import type { Digest } from "./digest.js";

interface PeerOutbox {
  address: string;
  digests: Digest[];
}

/**
 * Eager push: picks interested peers for each new digest and batches what
 * goes to the same peer within `lingerMs` into datagrams filled to the
 * packet budget; a digest too large for a datagram goes in a TCP batch.
 * A push that is lost is not retried here: anti-entropy repairs it.
 */
export class Pusher {
  private readonly outboxes = new Map<string, PeerOutbox>();
  private timer: TimerHandle | null = null;

  constructor(
    private readonly ctx: BusCtx,
    private readonly packetBudget: number,
  ) {}

  /** Pushes a digest this node just published or received for the first time (by push). */
  spread(d: Digest, from: string | null): void {
    const { ctx } = this;
    const all = ctx.interest.interestedList(d.type);
    const peers = all.filter((n) => n !== ctx.self && n !== from && n !== d.origin);
    // Epidemic push reaches everyone with high probability at fanout ~ ln(N) + c; below that, a
    // pushed-to set misses a tail of nodes that only repair brings (measured: p99 6x slower at N=1,000).
    const fanout = Math.max(ctx.cfg.fanout, Math.ceil(Math.log(all.length + 1)) + 1);
    if (peers.length > fanout + 1) {
      for (let i = 0; i < fanout; i++) {
        const j = i + ctx.rng.int(peers.length - i);
        const tmp = peers[i] as string;
        peers[i] = peers[j] as string;
        peers[j] = tmp;
      }
      peers.length = fanout;
    }
    for (const p of peers) this.enqueue(p, d);
  }

  stop(): void {
    if (this.timer !== null) this.ctx.clock.clearTimer(this.timer);
    this.timer = null;
    this.outboxes.clear();
  }

  private enqueue(peer: string, d: Digest): void {
    const address = this.ctx.interest.address(peer);
    if (address === undefined) return;
    let box = this.outboxes.get(peer);
    if (box === undefined) this.outboxes.set(peer, (box = { address, digests: [] }));
    if (box.digests.length >= this.ctx.cfg.maxOutboxDigests) {
      this.ctx.metrics.inc("bus_dropped_total", { reason: "outbox-full" });
      return;
    }
    box.digests.push(d);
    this.timer ??= this.ctx.clock.setTimer(this.ctx.cfg.lingerMs, () => this.flush());
  }

  private flush(): void {
    this.timer = null;
    const boxes = [...this.outboxes.values()];
    this.outboxes.clear();
    for (const box of boxes) this.flushOne(box);
  }

  private flushOne(box: PeerOutbox): void {
    const max = this.ctx.cfg.maxPushStreamBytes;
    let packet = new BatchWriter(Kind.Push);
    let stream = new BatchWriter(Kind.Push);
    for (const d of box.digests) {
      if (packet.tryAdd(d, this.packetBudget)) continue;
      if (packet.count > 0) {
        this.sendPacket(box.address, packet);
        packet = new BatchWriter(Kind.Push);
        if (packet.tryAdd(d, this.packetBudget)) continue;
      }
      // Alone it exceeds a datagram: it goes in a TCP batch.
      if (!stream.tryAdd(d, max, true)) {
        this.sendStream(box.address, stream);
        stream = new BatchWriter(Kind.Push);
        stream.tryAdd(d, max, true);
      }
    }
    if (packet.count > 0) this.sendPacket(box.address, packet);
    if (stream.count > 0) this.sendStream(box.address, stream);
  }

  private sendPacket(address: string, w: BatchWriter): void {
    const bytes = w.finish();
    if (!this.ctx.channels.send(Channel.Bus, address, bytes)) {
      return this.sendBytesByStream(address, bytes);
    }
    this.ctx.metrics.inc("bus_push_packets_total");
    this.ctx.metrics.inc("bus_push_digests_total", undefined, w.count);
  }

  private sendStream(address: string, w: BatchWriter): void {
    this.ctx.metrics.inc("bus_push_digests_total", undefined, w.count);
    this.sendBytesByStream(address, w.finish());
  }

  private sendBytesByStream(address: string, bytes: Uint8Array): void {
    const { ctx } = this;
    ctx.metrics.inc("bus_push_streams_total");
    ctx.channels.request(Channel.Bus, address, bytes, ctx.cfg.requestTimeoutMs, (reply) => {
      if (reply === null) ctx.metrics.inc("bus_push_failed_total");
    });
  }
}

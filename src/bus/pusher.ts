import type { TimerHandle } from "../transport/index.js";
import { BUS_CHANNEL } from "./channels.js";
import { BatchWriter, Kind } from "./codec.js";
import type { BusCtx } from "./ctx.js";
import type { Digest } from "./digest.js";

interface PeerOutbox {
  address: string;
  /** The datagram being filled for this peer; sent the moment the next digest does not fit. */
  packet: BatchWriter;
  /** Digests too large for a datagram, sent in a TCP batch at the flush. */
  large: Digest[];
}

/**
 * Eager push: picks interested peers for each new digest and packs what goes
 * to the same peer into datagrams filled to the packet budget. A full
 * datagram leaves at once (a burst of publishes becomes a steady stream of
 * datagrams the receiver drains as they come, not a burst that overflows its
 * socket buffer); a partial one waits `lingerMs` (0: the end of this turn of
 * the event loop) for more. A digest too large for a datagram goes in a TCP
 * batch. A push that is lost is not retried here: anti-entropy repairs it.
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
    const all = ctx.interest.interestedView(d.type);
    // Epidemic push reaches everyone with high probability at fanout ~ ln(N) + c; below that, a
    // pushed-to set misses a tail of nodes that only repair brings (measured: p99 6x slower at N=1,000).
    const fanout = Math.max(ctx.cfg.fanout, Math.ceil(Math.log(all.length + 1)) + 1);
    if (all.length <= fanout + 1) {
      // Few enough to push to all of them (no array per digest).
      for (const n of all) if (n !== ctx.self && n !== from && n !== d.origin) this.enqueue(n, d);
      return;
    }
    const peers: string[] = [];
    for (const n of all) if (n !== ctx.self && n !== from && n !== d.origin) peers.push(n);
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
    if (box === undefined || box.address !== address) {
      if (box !== undefined) this.flushOne(box);
      box = { address, packet: this.newPacket(), large: [] };
      this.outboxes.set(peer, box);
    }
    if (!box.packet.tryAdd(d, this.packetBudget)) {
      if (box.packet.count > 0) {
        this.sendPacket(box.address, box.packet);
        box.packet = this.newPacket();
      }
      if (!box.packet.tryAdd(d, this.packetBudget)) {
        // Alone it exceeds a datagram: it goes in a TCP batch.
        if (box.large.length >= this.ctx.cfg.maxOutboxDigests) {
          this.ctx.metrics.inc("bus_dropped_total", { reason: "outbox-full" });
          return;
        }
        box.large.push(d);
      }
    }
    // lingerMs 0: what this turn of the event loop pushes goes out together, right after it.
    this.timer ??= this.ctx.clock.setTimer(this.ctx.cfg.lingerMs, () => this.flush());
  }

  private newPacket(): BatchWriter {
    return new BatchWriter(Kind.Push, undefined, this.packetBudget, BUS_CHANNEL);
  }

  private flush(): void {
    this.timer = null;
    const boxes = [...this.outboxes.values()];
    this.outboxes.clear();
    for (const box of boxes) this.flushOne(box);
  }

  private flushOne(box: PeerOutbox): void {
    if (box.packet.count > 0) this.sendPacket(box.address, box.packet);
    const max = this.ctx.cfg.maxPushStreamBytes;
    let stream: BatchWriter | null = null;
    for (const d of box.large) {
      stream ??= new BatchWriter(Kind.Push);
      if (stream.tryAdd(d, max, true)) continue;
      this.sendStream(box.address, stream);
      stream = new BatchWriter(Kind.Push);
      stream.tryAdd(d, max, true);
    }
    if (stream !== null && stream.count > 0) this.sendStream(box.address, stream);
  }

  private sendPacket(address: string, w: BatchWriter): void {
    if (!this.ctx.channels.sendFramed(address, w.framed())) {
      return this.sendBytesByStream(address, w.finish());
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
    ctx.channels.request(BUS_CHANNEL, address, bytes, ctx.cfg.requestTimeoutMs, (reply) => {
      if (reply === null) ctx.metrics.inc("bus_push_failed_total");
    });
  }
}

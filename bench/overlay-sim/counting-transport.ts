// A Transport wrapper that counts what one node sends, so bandwidth is measured
// per node (SimNetwork's own stats are network-wide and skip stream bytes).
import type { Address, StreamHandler, StreamResult, Transport } from "../../src/transport/index.js";

/** Bytes of the u32 length prefix in front of every stream frame. */
const STREAM_FRAME_PREFIX = 4;

export class CountingTransport implements Transport {
  udpPackets = 0;
  udpBytes = 0;
  streamFrames = 0;
  /** Stream requests we send plus the replies we send, with their length prefixes. */
  streamBytes = 0;
  private handler: StreamHandler | null = null;

  constructor(private readonly inner: Transport) {}

  get localAddress(): Address {
    return this.inner.localAddress;
  }

  sendPacket(to: Address, data: Uint8Array): void {
    this.udpPackets++;
    this.udpBytes += data.length;
    this.inner.sendPacket(to, data);
  }

  request(to: Address, data: Uint8Array, timeoutMs: number, done: (r: StreamResult) => void): void {
    this.countFrame(data);
    this.inner.request(to, data, timeoutMs, done);
  }

  onPacket(handler: (from: Address, data: Uint8Array) => void): void {
    this.inner.onPacket(handler);
  }

  onStream(handler: StreamHandler): void {
    this.handler = handler;
    this.inner.onStream((from, data, reply) =>
      handler(from, data, (resp) => {
        this.countFrame(resp);
        reply(resp);
      }),
    );
  }

  close(): void {
    this.inner.close();
  }

  /** Hands a stream message straight to the node's handler, off the network and uncounted (cluster seeding). */
  inject(from: Address, data: Uint8Array): void {
    this.handler?.(from, data, () => {});
  }

  reset(): void {
    this.udpPackets = 0;
    this.udpBytes = 0;
    this.streamFrames = 0;
    this.streamBytes = 0;
  }

  private countFrame(data: Uint8Array): void {
    this.streamFrames++;
    this.streamBytes += data.length + STREAM_FRAME_PREFIX;
  }
}

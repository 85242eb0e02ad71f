// A Transport wrapper for the simulated cluster: stream messages can be
// injected straight into a node's handler (seeding a converged cluster), and
// bytes sent are counted for the bytes-per-digest figure.
import type { Address, StreamHandler, StreamResult, Transport } from "../../src/transport/index.js";

/** Bytes of the u32 length prefix in front of every stream frame. */
const STREAM_FRAME_PREFIX = 4;

export class SimTransport implements Transport {
  udpPackets = 0;
  udpBytes = 0;
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
    this.streamBytes += data.length + STREAM_FRAME_PREFIX;
    this.inner.request(to, data, timeoutMs, done);
  }

  onPacket(handler: (from: Address, data: Uint8Array) => void): void {
    this.inner.onPacket(handler);
  }

  onStream(handler: StreamHandler): void {
    this.handler = handler;
    this.inner.onStream((from, data, reply) =>
      handler(from, data, (resp) => {
        this.streamBytes += resp.length + STREAM_FRAME_PREFIX;
        reply(resp);
      }),
    );
  }

  close(): void {
    this.inner.close();
  }

  /** Hands a stream message to the node's handler, off the network and uncounted. */
  inject(from: Address, data: Uint8Array): void {
    this.handler?.(from, data, () => {});
  }

  reset(): void {
    this.udpPackets = 0;
    this.udpBytes = 0;
    this.streamBytes = 0;
  }
}

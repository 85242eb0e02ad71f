import type { Address, Transport } from "../transport/index.js";
import {
  COMPOUND_HEADER_BYTES,
  COMPOUND_PART_OVERHEAD,
  decodeFrame,
  encodeCompound,
  encodeMessage,
  type CodecLimits,
} from "./codec.js";
import { ENCRYPTION_OVERHEAD, ENVELOPE_MARKER, ReplayCache, type Keyring } from "./keyring.js";
import type { Message } from "./messages.js";
import type { Metrics, RateLimitedLog } from "../observe/index.js";

/** Why an inbound packet or stream message was dropped (label of overlay_dropped_total). */
export type DropReason =
  | "empty"
  | "version"
  | "tag"
  | "malformed"
  | "limit"
  | "oversize"
  | "decrypt"
  | "truncated"
  | "unencrypted"
  | "encrypted-no-key"
  | "replay";

export const DROPPED = "overlay_dropped_total";

/**
 * Frames, seals and opens packets and stream messages. Every inbound failure
 * is dropped, counted by reason and logged at a bounded rate; nothing throws.
 */
export class Wire {
  private readonly replay: ReplayCache;

  constructor(
    private readonly transport: Transport,
    private readonly keyring: Keyring | undefined,
    private readonly label: string,
    private readonly udpBudgetBytes: number,
    private readonly maxStreamBytes: number,
    private readonly limits: CodecLimits,
    private readonly metrics: Metrics,
    private readonly rlog: RateLimitedLog,
    replayCacheSize: number,
  ) {
    this.replay = new ReplayCache(replayCacheSize);
  }

  get encrypted(): boolean {
    return this.keyring?.enabled ?? false;
  }

  /** Plaintext bytes available for compound parts in one datagram. */
  partBudget(): number {
    return this.udpBudgetBytes - COMPOUND_HEADER_BYTES - (this.encrypted ? ENCRYPTION_OVERHEAD : 0);
  }

  /** Sends encoded parts as one datagram. */
  sendParts(to: Address, parts: Uint8Array[]): void {
    if (parts.length === 0) return;
    const data = this.seal(encodeCompound(parts));
    if (data.length > this.udpBudgetBytes) {
      this.metrics.inc("overlay_send_dropped_total", { reason: "oversize" });
      return;
    }
    this.metrics.inc("overlay_packets_sent_total");
    this.metrics.inc("overlay_bytes_sent_total", undefined, data.length);
    this.transport.sendPacket(to, data);
  }

  /** A whole stream message (request or response), sealed if a key is set. */
  streamFrame(msg: Message): Uint8Array {
    return this.seal(encodeMessage(msg));
  }

  seal(frame: Uint8Array): Uint8Array {
    return this.keyring !== undefined && this.keyring.enabled ? this.keyring.seal(frame, this.label) : frame;
  }

  /** Opens and decodes an inbound datagram; null if dropped. */
  openPacket(from: Address, data: Uint8Array): Message[] | null {
    if (data.length > this.udpBudgetBytes + 512) return this.drop("oversize", from);
    return this.open(from, data);
  }

  /** Opens and decodes an inbound stream message; null if dropped. */
  openStream(from: Address, data: Uint8Array): Message[] | null {
    if (data.length > this.maxStreamBytes) return this.drop("oversize", from);
    return this.open(from, data);
  }

  private open(from: Address, data: Uint8Array): Message[] | null {
    let frame = data;
    if (data[0] === ENVELOPE_MARKER) {
      if (this.keyring === undefined || !this.keyring.enabled) return this.drop("encrypted-no-key", from);
      const r = this.keyring.open(data, this.label);
      if (!r.ok) return this.drop(r.error === "truncated" ? "truncated" : "decrypt", from);
      if (!this.replay.admit(r.nonce)) return this.drop("replay", from);
      frame = r.plaintext;
    } else if (this.encrypted) {
      return this.drop("unencrypted", from);
    }
    const d = decodeFrame(frame, this.limits);
    if (!d.ok) return this.drop(d.error, from);
    this.metrics.inc("overlay_packets_received_total");
    return d.messages;
  }

  private drop(reason: DropReason, from: Address): null {
    this.metrics.inc(DROPPED, { reason });
    this.rlog.warn(`overlay: dropped inbound message (${reason})`, { from, reason });
    return null;
  }
}

export { COMPOUND_PART_OVERHEAD };

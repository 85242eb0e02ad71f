import type { Address } from "../transport/index.js";
import type { Overlay } from "../overlay/index.js";
import type { Metrics } from "../observe/index.js";

/**
 * The digest bus's channel id (pushes, anti-entropy, seeks). Every other user
 * of the mux owns its id beside its code (REGISTRY_CHANNEL = 2, KEYS_CHANNEL = 3,
 * SERVICES_CHANNEL = 4) and claims it; a new user picks a free one.
 */
export const BUS_CHANNEL = 1;

export type ChannelPacketHandler = (from: Address, payload: Uint8Array) => void;
export type ChannelRequestHandler = (
  from: Address,
  payload: Uint8Array,
  reply: (payload: Uint8Array) => void,
) => void;

/** What an observer sees: every inbound payload (without the channel byte), for tests and accounting. */
export type ChannelObserver = (
  channel: number,
  kind: "packet" | "request" | "reply",
  from: Address,
  payload: Uint8Array,
) => void;

/** The part of an Overlay the mux needs (an interface so tests can fake it). */
export type ChannelOverlay = Pick<
  Overlay,
  "sendUserPacket" | "requestUser" | "onUserPacket" | "onUserRequest"
>;

/** One claimed channel: its handlers, and sends that carry its id. */
export interface ChannelPort {
  readonly id: number;
  readonly owner: string;
  /** Installs the datagram handler (replaces any previous one). */
  onPacket(fn: ChannelPacketHandler): void;
  /** Installs the request handler (replaces any previous one). */
  onRequest(fn: ChannelRequestHandler): void;
  send(to: Address, payload: Uint8Array): boolean;
  request(
    to: Address,
    payload: Uint8Array,
    timeoutMs: number,
    done: (reply: Uint8Array | null) => void,
  ): void;
}

/**
 * Multiplexes the overlay's user packets and requests by a one-byte channel id,
 * the first byte of every overlay user payload (the overlay has one
 * user-packet and one user-request handler; this mux shares them). Each id
 * has one owner, who claims it before listening on it. Replies carry no
 * channel byte: they belong to their request. Payloads for a channel nobody
 * listens on are dropped and counted, never an error.
 */
export class Channels {
  private readonly ports = new Map<number, ChannelPort>();
  private readonly packetHandlers = new Map<number, ChannelPacketHandler>();
  private readonly requestHandlers = new Map<number, ChannelRequestHandler>();
  private observer: ChannelObserver | null = null;

  constructor(
    private readonly overlay: ChannelOverlay,
    private readonly metrics?: Metrics,
  ) {
    overlay.onUserPacket((from, payload) => this.dispatchPacket(from, payload));
    overlay.onUserRequest((from, payload, reply) => this.dispatchRequest(from, payload, reply));
  }

  /**
   * Makes `owner` the one user of channel `id` (1..255). Claiming it again under the
   * same owner returns the same port; another owner is refused with an error.
   */
  claim(id: number, owner: string): ChannelPort {
    const held = this.ports.get(checkChannel(id));
    if (held?.owner === owner) return held;
    if (held) {
      throw new Error(`channel ${id} is already claimed by ${held.owner}; ${owner} must pick a free id`);
    }
    const port: ChannelPort = {
      id,
      owner,
      onPacket: (fn) => void this.packetHandlers.set(id, fn),
      onRequest: (fn) => void this.requestHandlers.set(id, fn),
      send: (to, payload) => this.send(id, to, payload),
      request: (to, payload, timeoutMs, done) => this.request(id, to, payload, timeoutMs, done),
    };
    this.ports.set(id, port);
    return port;
  }

  /** Sees every inbound payload; one observer at a time (null removes it). */
  observe(fn: ChannelObserver | null): void {
    this.observer = fn;
  }

  /** One datagram; false if it does not fit the overlay's UDP budget (use `request` then). */
  send(ch: number, to: Address, payload: Uint8Array): boolean {
    return this.overlay.sendUserPacket(to, withChannel(ch, payload));
  }

  /** Like `send`, for a payload whose first byte already is its channel id (no copy to prepend it). */
  sendFramed(to: Address, framed: Uint8Array): boolean {
    return this.overlay.sendUserPacket(to, framed);
  }

  /** Reliable request/response (a TCP exchange); `done(null)` on failure or timeout. */
  request(
    ch: number,
    to: Address,
    payload: Uint8Array,
    timeoutMs: number,
    done: (reply: Uint8Array | null) => void,
  ): void {
    this.overlay.requestUser(to, withChannel(ch, payload), timeoutMs, (reply) => {
      if (reply !== null) this.observer?.(ch, "reply", to, reply);
      done(reply);
    });
  }

  private dispatchPacket(from: Address, data: Uint8Array): void {
    const ch = data[0];
    const fn = ch === undefined ? undefined : this.packetHandlers.get(ch);
    if (ch === undefined || fn === undefined) return this.drop(ch);
    const payload = data.subarray(1);
    this.observer?.(ch, "packet", from, payload);
    fn(from, payload);
  }

  private dispatchRequest(from: Address, data: Uint8Array, reply: (p: Uint8Array) => void): void {
    const ch = data[0];
    const fn = ch === undefined ? undefined : this.requestHandlers.get(ch);
    if (ch === undefined || fn === undefined) return this.drop(ch);
    const payload = data.subarray(1);
    this.observer?.(ch, "request", from, payload);
    fn(from, payload, reply);
  }

  private drop(ch: number | undefined): void {
    this.metrics?.inc("bus_channel_dropped_total", { channel: ch === undefined ? "none" : String(ch) });
  }
}

function checkChannel(ch: number): number {
  if (!Number.isInteger(ch) || ch < 1 || ch > 255) throw new Error(`channel id ${ch}: must be 1..255`);
  return ch;
}

function withChannel(ch: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = ch;
  out.set(payload, 1);
  return out;
}

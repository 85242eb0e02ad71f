/**
 * The seams between protocol code and the world: datagrams, request/response
 * streams, time and randomness. Real sockets (node:dgram + node:net) and the
 * simulator both implement these, so the overlay core never touches I/O.
 */

/** "host:port"; IPv6 hosts are bracketed: "[::1]:7946". */
export type Address = string;

/** Outcome of a stream request, delivered to the callback exactly once. */
export type StreamResult =
  | { ok: true; data: Uint8Array }
  | { ok: false; error: "timeout" | "refused" | "closed" | "too-large" | "io" };

/** Called with the response bytes; call at most once (later calls are ignored). */
export type Reply = (data: Uint8Array) => void;

export type PacketHandler = (from: Address, data: Uint8Array) => void;
export type StreamHandler = (from: Address, data: Uint8Array, reply: Reply) => void;

/**
 * Unreliable datagrams plus reliable one-shot request/response exchanges.
 *
 * With node:dgram, `sendPacket` is one UDP datagram. With node:net, `request`
 * opens a connection, writes one frame (u32 big-endian length + bytes), reads
 * one frame back and closes; `onStream` handlers get one frame and reply with
 * one. Callbacks, not Promises, so the simulator stays deterministic.
 */
export interface Transport {
  /** The address other nodes reach this node at (what we advertise). */
  readonly localAddress: Address;
  /** Best effort, may be dropped, duplicated or reordered. Never throws. */
  sendPacket(to: Address, data: Uint8Array): void;
  /** Reliable exchange; `done` is called once with the response or an error. */
  request(to: Address, data: Uint8Array, timeoutMs: number, done: (result: StreamResult) => void): void;
  /** Install the handler for incoming datagrams (replaces any previous one). */
  onPacket(handler: PacketHandler): void;
  /** Install the handler for incoming stream requests (replaces any previous one). */
  onStream(handler: StreamHandler): void;
  /** Stop receiving; pending requests complete with "closed". */
  close(): void;
}

export type TimerHandle = { readonly id: number };

/** Milliseconds since an arbitrary epoch, plus one-shot timers. */
export interface Clock {
  nowMs(): number;
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** A source of uniform randomness; seeded in the simulator. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); 0 when n <= 0. */
  int(n: number): number;
}

import type { Socket } from "node:net";
import thrift from "thrift";
import type { Logger } from "../observe/index.js";

/**
 * One Thrift connection: framed transport, binary or compact protocol picked from the first
 * message. Modelled on the thrift package's server.js (0.24), which fixes one protocol per server.
 */

/** First byte of a compact message (protocol id); a strict binary message starts 0x80 0x01. */
const COMPACT_PROTOCOL_ID = 0x82;

export type ThriftProtocolName = "binary" | "compact";

/** What the generated `Gateway.Processor` offers: read one call from `input`, answer on `output`. */
export interface ThriftProcessor {
  process(input: unknown, output: unknown): void;
}

/** The parts of the runtime's TFramedTransport used here (its typings lack `maxLength` and `borrow`). */
interface Frame {
  borrow(): { buf: Buffer; readIndex: number; writeIndex: number };
  commitPosition(): void;
  rollbackPosition(): void;
}
type ProtocolClass = new (transport: unknown) => unknown;
const lib = thrift as unknown as {
  TFramedTransport: {
    new (buffer: Buffer | undefined, onFlush: (buf: Buffer) => void): unknown;
    receiver(onFrame: (frame: Frame) => void, seqid: undefined, maxLength: number): (data: Buffer) => void;
  };
  TBinaryProtocol: ProtocolClass;
  TCompactProtocol: ProtocolClass;
  InputBufferUnderrunError: new () => Error;
};
const PROTOCOLS: Record<ThriftProtocolName, ProtocolClass> = {
  binary: lib.TBinaryProtocol,
  compact: lib.TCompactProtocol,
};

/**
 * 0x82 is compact; anything else is binary, so every byte sequence a binary-only server accepted
 * (strict or old non-strict) is read exactly as before.
 */
export function protocolOf(firstByte: number): ThriftProtocolName {
  return firstByte === COMPACT_PROTOCOL_ID ? "compact" : "binary";
}

/** True when the error only says the frame holds no further message (server.js's two cases). */
function endOfFrame(err: unknown): boolean {
  return err instanceof lib.InputBufferUnderrunError || (err as Error)?.message === "Invalid type: undefined";
}

/**
 * Serves Thrift calls on `socket`. Frames longer than `maxFrameBytes` and malformed messages close
 * this connection only, logged as "thrift connection dropped"; nothing here throws.
 */
export function serveThriftConnection(
  socket: Socket,
  processor: ThriftProcessor,
  maxFrameBytes: number,
  log: Logger,
): void {
  const remote = `${socket.remoteAddress}:${socket.remotePort}`; // gone once the socket is destroyed
  let name: ThriftProtocolName | null = null;
  let dropped = false;
  const drop = (err: unknown) => {
    if (dropped) return;
    dropped = true;
    log.warn("thrift connection dropped", {
      error: err instanceof Error ? err.message : String(err),
      protocol: name,
      remote,
    });
    // Replies already written are flushed first; a peer that keeps its side open is cut then.
    socket.once("finish", () => socket.destroy());
    socket.end();
  };
  // A reply that completes after the connection closed (a long poll) is dropped, not an error.
  const write = (buf: Buffer) => {
    if (socket.writable) socket.write(buf);
  };
  const onFrame = (frame: Frame) => {
    const { buf, readIndex, writeIndex } = frame.borrow();
    if (readIndex === writeIndex) return; // an empty frame holds no message (as before)
    name ??= protocolOf(buf[readIndex]!);
    const Protocol = PROTOCOLS[name];
    const input = new Protocol(frame);
    // One output transport per frame: replies of concurrent long polls never interleave.
    const output = new Protocol(new lib.TFramedTransport(undefined, write));
    try {
      for (;;) {
        processor.process(input, output);
        frame.commitPosition();
      }
    } catch (err) {
      if (!endOfFrame(err)) throw err;
      frame.rollbackPosition();
    }
  };
  const receive = lib.TFramedTransport.receiver(onFrame, undefined, maxFrameBytes);
  socket.on("error", (err) => drop(err));
  socket.on("data", (data: Buffer) => {
    if (dropped) return;
    try {
      receive(data);
    } catch (err) {
      drop(err);
    }
  });
  socket.on("end", () => socket.end());
}

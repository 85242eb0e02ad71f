// Minimal client for the Serf agent's msgpack RPC (IPC version 1): handshake
// and member event stream. Wire format (serf command/agent/ipc.go): the client
// writes a request header {Command, Seq} followed by a body; the agent answers
// with a response header {Seq, Error}, and for a stream sends one more
// {Seq, Error} header plus a body {Event, Members: [{Name, ...}]} per event.
// All messages are consecutive msgpack objects on one TCP connection.
import { connect, type Socket } from "node:net";
import { Packr, UnpackrStream } from "msgpackr";

export interface SerfMemberEvent {
  /** "member-join", "member-leave", "member-failed", ... */
  readonly event: string;
  readonly members: readonly string[];
  /** Arrival time, performance.now() ms. */
  readonly atMs: number;
}

interface ResponseHeader {
  Seq: number;
  Error: string;
}

const packr = new Packr({ useRecords: false });
const HANDSHAKE_SEQ = 0;
const STREAM_SEQ = 1;

export class SerfRpcClient {
  private readonly socket: Socket;
  /** A response header whose body (if any) is the next object. */
  private pendingHeader: ResponseHeader | null = null;
  private handshake: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed = false;

  private constructor(
    socket: Socket,
    private readonly onEvent: (e: SerfMemberEvent) => void,
  ) {
    this.socket = socket;
    const decoder = new UnpackrStream({ mapsAsObjects: true });
    socket.pipe(decoder);
    decoder.on("data", (msg: unknown) => this.receive(msg, performance.now()));
    decoder.on("error", () => socket.destroy());
    socket.on("error", () => undefined);
  }

  /** Connects, handshakes and subscribes to member-join, member-leave and member-failed. */
  static async open(
    host: string,
    port: number,
    onEvent: (e: SerfMemberEvent) => void,
    timeoutMs = 5_000,
  ): Promise<SerfRpcClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(
        () => s.destroy(new Error(`serf rpc ${host}:${port}: connect timeout`)),
        timeoutMs,
      );
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const client = new SerfRpcClient(socket, onEvent);
    await client.handshakeAndStream(timeoutMs);
    return client;
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private handshakeAndStream(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("serf rpc: handshake timeout")), timeoutMs);
      this.handshake = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(packr.pack({ Command: "handshake", Seq: HANDSHAKE_SEQ }));
      this.socket.write(packr.pack({ Version: 1 }));
      this.socket.write(packr.pack({ Command: "stream", Seq: STREAM_SEQ }));
      this.socket.write(packr.pack({ Type: "member-join,member-leave,member-failed" }));
    });
  }

  private receive(msg: unknown, atMs: number): void {
    if (this.closed || typeof msg !== "object" || msg === null) return;
    if (this.pendingHeader === null) {
      const h = msg as Partial<ResponseHeader>;
      if (typeof h.Seq !== "number") return;
      const header = { Seq: h.Seq, Error: h.Error ?? "" };
      if (header.Error !== "") {
        this.handshake?.reject(new Error(`serf rpc: ${header.Error}`));
        return;
      }
      if (header.Seq === HANDSHAKE_SEQ) return; // handshake ack has no body
      // Stream: the first header acknowledges the subscription; each later one precedes an event body.
      if (this.handshake) {
        this.handshake.resolve();
        this.handshake = null;
        return;
      }
      this.pendingHeader = header;
      return;
    }
    this.pendingHeader = null;
    const body = msg as { Event?: unknown; Members?: unknown };
    if (typeof body.Event !== "string" || !Array.isArray(body.Members)) return;
    const members = body.Members.map((m: { Name?: unknown }) => m?.Name).filter(
      (n): n is string => typeof n === "string",
    );
    this.onEvent({ event: body.Event, members, atMs });
  }
}

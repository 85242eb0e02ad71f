// Minimal client for the Serf agent's msgpack RPC (IPC version 1): handshake,
// `stream` of user events and the `event` command. Wire format (serf
// command/agent/ipc.go): each request is a header {Command, Seq} plus a body;
// each response a header {Seq, Error}, followed by a body only for stream
// records ({Event: "user", LTime, Name, Payload, Coalesce}).
import { connect, type Socket } from "node:net";
import { Packr, UnpackrStream } from "msgpackr";

export interface SerfUserEvent {
  readonly name: string;
  /** Arrival time, performance.now() ms. */
  readonly atMs: number;
}

const packr = new Packr({ useRecords: false });
const HANDSHAKE_SEQ = 0;
const STREAM_SEQ = 1;

export class SerfRpc {
  private streamAcked = false;
  private expectBody = false;
  private nextSeq = STREAM_SEQ + 1;
  private readonly waiting = new Map<number, (err: string) => void>();

  private constructor(
    private readonly socket: Socket,
    private readonly onEvent: (e: SerfUserEvent) => void,
  ) {
    const decoder = new UnpackrStream({ mapsAsObjects: true });
    socket.pipe(decoder);
    decoder.on("data", (msg: unknown) => this.receive(msg, performance.now()));
    decoder.on("error", () => socket.destroy());
    socket.on("error", () => undefined);
    socket.on("close", () => {
      for (const w of this.waiting.values()) w("connection closed");
      this.waiting.clear();
    });
  }

  /** Connects, handshakes and subscribes to user events. */
  static async open(
    host: string,
    port: number,
    onEvent: (e: SerfUserEvent) => void,
    timeoutMs: number,
  ): Promise<SerfRpc> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port });
      const timer = setTimeout(() => s.destroy(new Error("connect timeout")), timeoutMs);
      s.once("connect", () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const rpc = new SerfRpc(socket, onEvent);
    await rpc.call(HANDSHAKE_SEQ, "handshake", { Version: 1 }, timeoutMs);
    await rpc.call(STREAM_SEQ, "stream", { Type: "user" }, timeoutMs);
    rpc.streamAcked = true;
    return rpc;
  }

  /** Fires a user event at this agent; Coalesce false so the agent's coalescer lets it through at once. */
  event(name: string, payload: Uint8Array, timeoutMs: number): Promise<void> {
    return this.call(
      this.nextSeq++,
      "event",
      { Name: name, Payload: Buffer.from(payload), Coalesce: false },
      timeoutMs,
    );
  }

  close(): void {
    this.socket.destroy();
  }

  private call(seq: number, command: string, body: object, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(seq);
        reject(new Error(`serf rpc ${command}: timeout`));
      }, timeoutMs);
      this.waiting.set(seq, (err) => {
        clearTimeout(timer);
        if (err === "") resolve();
        else reject(new Error(`serf rpc ${command}: ${err}`));
      });
      this.socket.write(packr.pack({ Command: command, Seq: seq }));
      this.socket.write(packr.pack(body));
    });
  }

  private receive(msg: unknown, atMs: number): void {
    if (typeof msg !== "object" || msg === null) return;
    if (this.expectBody) {
      this.expectBody = false;
      const b = msg as { Event?: unknown; Name?: unknown };
      if (b.Event === "user" && typeof b.Name === "string") this.onEvent({ name: b.Name, atMs });
      return;
    }
    const h = msg as { Seq?: unknown; Error?: unknown };
    if (typeof h.Seq !== "number") return;
    const err = typeof h.Error === "string" ? h.Error : "";
    if (h.Seq === STREAM_SEQ && this.streamAcked && err === "") {
      this.expectBody = true;
      return;
    }
    const w = this.waiting.get(h.Seq);
    this.waiting.delete(h.Seq);
    w?.(err);
  }
}

// A minimal NATS client (core protocol: CONNECT, PUB, SUB, MSG/HMSG,
// PING/PONG) for the JetStream anchor, so the bench needs no NATS package:
// like bench/bus/serf-rpc.ts for Serf. Only what the anchor uses.
import { connect, type Socket } from "node:net";

export interface NatsMsg {
  subject: string;
  reply: string;
  /** Raw header block (HMSG) or null (MSG). */
  headers: string | null;
  data: Buffer;
}

const CRLF = Buffer.from("\r\n");
/** Most bytes queued in the socket before pub() waits for "drain". */
const HIGH_WATER = 1 << 20;

export class NatsConn {
  private buf: Buffer = Buffer.alloc(0);
  private readonly subs = new Map<number, (m: NatsMsg) => void>();
  private nextSid = 1;
  private readonly pongs: Array<() => void> = [];
  private inbox = 0;
  readonly errors: string[] = [];
  private readonly inboxPrefix = `_INBOX.${Math.random().toString(36).slice(2)}`;
  private readonly replies = new Map<string, (b: Buffer) => void>();

  private constructor(private readonly sock: Socket) {
    sock.on("data", (chunk: Buffer) => this.onData(chunk));
    sock.on("error", (e) => this.errors.push(e.message));
  }

  static async open(port: number, timeoutMs: number): Promise<NatsConn> {
    const sock = connect({ host: "127.0.0.1", port });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`nats :${port}: connect timeout`)), timeoutMs);
      sock.once("connect", () => {
        clearTimeout(t);
        resolve();
      });
      sock.once("error", (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
    sock.setNoDelay(true);
    const c = new NatsConn(sock);
    c.write(
      `CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1}\r\n`,
    );
    c.sub(`${c.inboxPrefix}.*`, (m) => {
      const r = c.replies.get(m.subject);
      if (r !== undefined) {
        c.replies.delete(m.subject);
        r(m.data);
      }
    });
    await c.flush(timeoutMs);
    return c;
  }

  sub(subject: string, cb: (m: NatsMsg) => void): number {
    const sid = this.nextSid++;
    this.subs.set(sid, cb);
    this.write(`SUB ${subject} ${sid}\r\n`);
    return sid;
  }

  /** Publishes; resolves at once, or after "drain" when the socket holds more than HIGH_WATER. */
  pub(subject: string, data: Buffer, reply = ""): Promise<void> | undefined {
    const head =
      reply === "" ? `PUB ${subject} ${data.length}\r\n` : `PUB ${subject} ${reply} ${data.length}\r\n`;
    this.sock.write(head);
    this.sock.write(data);
    this.sock.write(CRLF);
    if (this.sock.writableLength < HIGH_WATER) return undefined;
    return new Promise<void>((resolve) => this.sock.once("drain", () => resolve()));
  }

  /** One request, one reply (JetStream API calls). */
  request(subject: string, body: string, timeoutMs: number): Promise<Buffer> {
    const reply = `${this.inboxPrefix}.${++this.inbox}`;
    return new Promise<Buffer>((resolve, reject) => {
      const t = setTimeout(() => {
        this.replies.delete(reply);
        reject(new Error(`nats request ${subject}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(reply, (b) => {
        clearTimeout(t);
        resolve(b);
      });
      void this.pub(subject, Buffer.from(body), reply);
    });
  }

  /** A PING answered: everything written before it has been processed by the server. */
  flush(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`nats: no PONG in ${timeoutMs} ms`)), timeoutMs);
      this.pongs.push(() => {
        clearTimeout(t);
        resolve();
      });
      this.write("PING\r\n");
    });
  }

  close(): void {
    this.sock.destroy();
  }

  private write(s: string): void {
    this.sock.write(s);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let at = 0;
    for (;;) {
      const eol = this.buf.indexOf(CRLF, at);
      if (eol < 0) break;
      const line = this.buf.toString("latin1", at, eol);
      if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
        const p = line.split(" ");
        const h = p[0] === "HMSG";
        // MSG subject sid [reply] size | HMSG subject sid [reply] hdrSize totalSize
        const fixed = h ? 5 : 4;
        const reply = p.length > fixed ? (p[3] as string) : "";
        const total = Number(p[p.length - 1]);
        const hdr = h ? Number(p[p.length - 2]) : 0;
        const start = eol + 2;
        if (this.buf.length < start + total + 2) break;
        const cb = this.subs.get(Number(p[2]));
        cb?.({
          subject: p[1] as string,
          reply,
          headers: h ? this.buf.toString("latin1", start, start + hdr) : null,
          data: this.buf.subarray(start + hdr, start + total),
        });
        at = start + total + 2;
        continue;
      }
      at = eol + 2;
      if (line === "PING") this.write("PONG\r\n");
      else if (line === "PONG") this.pongs.shift()?.();
      else if (line.startsWith("-ERR")) this.errors.push(line);
    }
    this.buf = at >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(at);
  }
}

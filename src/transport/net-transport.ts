import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, connect, type Server, type Socket } from "node:net";
import type { Address, PacketHandler, StreamHandler, StreamResult, Transport } from "./types.js";

/** Limits of the real-socket transport. */
export interface NetTransportOptions {
  /** Host to bind, IPv4 or IPv6 literal. */
  host: string;
  /** Port for both UDP and TCP; 0 picks a free one. */
  port: number;
  /** What to advertise when it differs from the bound address (NAT, wildcard binds); port defaults to the bound one. */
  advertise?: { host: string; port?: number };
  /** Largest stream frame accepted or sent, bytes. @default 8388608 (8 MiB) */
  maxFrameBytes?: number;
  /** Most concurrent inbound stream connections; more are refused. @default 256 */
  maxInboundStreams?: number;
  /** Idle time before an inbound stream connection is closed, ms. @default 10000 */
  inboundIdleMs?: number;
  /** UDP receive buffer to request, bytes. @default 4194304 (4 MiB) */
  udpRecvBufferBytes?: number;
  /** Called for dropped input, with a reason, so the host can count it. */
  onDrop?: (reason: string) => void;
}

/** Splits "host:port" / "[v6]:port"; null when malformed. */
export function splitAddress(a: Address): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(a);
  if (!m) return null;
  const port = Number(m[3]);
  return port <= 65535 ? { host: (m[1] ?? m[2])!, port } : null;
}

export function joinAddress(host: string, port: number): Address {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The overlay's Transport on real sockets: UDP datagrams, and TCP for
 * request/response exchanges framed as u32 big-endian length + bytes, one
 * request and one response per connection. UDP and TCP share one port.
 */
export class NetTransport implements Transport {
  localAddress: Address;
  private packetHandler: PacketHandler = () => {};
  private streamHandler: StreamHandler = (_f, _d, reply) => reply(new Uint8Array(0));
  private readonly inbound = new Set<Socket>();
  private readonly outbound = new Set<Socket>();
  private closed = false;
  private readonly maxFrame: number;

  private constructor(
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    private readonly opts: NetTransportOptions,
    port: number,
  ) {
    this.maxFrame = opts.maxFrameBytes ?? 8 * 1024 * 1024;
    this.localAddress = joinAddress(opts.advertise?.host ?? opts.host, opts.advertise?.port || port);
    udp.on("message", (msg, rinfo) => {
      if (!this.closed) this.packetHandler(joinAddress(rinfo.address, rinfo.port), msg);
    });
    udp.on("error", () => this.drop("udp-error"));
    tcp.on("connection", (s) => this.serveStream(s));
    tcp.on("error", () => this.drop("tcp-error"));
  }

  /** Binds TCP then UDP on the same port (retrying when port 0 lands on a UDP port in use). */
  static async listen(opts: NetTransportOptions): Promise<NetTransport> {
    for (let attempt = 0; ; attempt++) {
      const tcp = createServer({ pauseOnConnect: false });
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(opts.port, opts.host, () => {
          tcp.off("error", reject);
          resolve();
        });
      });
      const port = (tcp.address() as { port: number }).port;
      const udp = createSocket({ type: opts.host.includes(":") ? "udp6" : "udp4", reuseAddr: false });
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once("error", reject);
          udp.bind(port, opts.host, () => {
            udp.off("error", reject);
            resolve();
          });
        });
      } catch (err) {
        tcp.close();
        udp.close();
        if (opts.port !== 0 || attempt >= 5) throw err;
        continue;
      }
      // Bursts of digest batches overflow the host's default receive buffer (~208 KiB); ask for more
      // (the kernel caps it at net.core.rmem_max). Loss is repaired, but every drop costs a TCP pull.
      try {
        udp.setRecvBufferSize(opts.udpRecvBufferBytes ?? 4 * 1024 * 1024);
      } catch {
        // Not permitted here: keep the default.
      }
      return new NetTransport(udp, tcp, opts, port);
    }
  }

  sendPacket(to: Address, data: Uint8Array): void {
    const a = splitAddress(to);
    if (this.closed || !a) return this.drop("bad-address");
    this.udp.send(data, a.port, a.host, (err) => {
      if (err) this.drop("udp-send");
    });
  }

  request(to: Address, data: Uint8Array, timeoutMs: number, done: (r: StreamResult) => void): void {
    let finished = false;
    const finish = (r: StreamResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.outbound.delete(sock);
      sock.destroy();
      done(r);
    };
    const a = splitAddress(to);
    if (this.closed || !a) return done({ ok: false, error: this.closed ? "closed" : "io" });
    if (data.length > this.maxFrame) return done({ ok: false, error: "too-large" });
    const sock = connect({ host: a.host, port: a.port });
    this.outbound.add(sock);
    const timer = setTimeout(() => finish({ ok: false, error: "timeout" }), timeoutMs);
    sock.on("error", (err: NodeJS.ErrnoException) =>
      finish({ ok: false, error: err.code === "ECONNREFUSED" ? "refused" : "io" }),
    );
    sock.on("connect", () => sock.write(frame(data)));
    readFrame(sock, this.maxFrame, (r) => finish(r));
    sock.on("close", () => finish({ ok: false, error: "closed" }));
  }

  onPacket(handler: PacketHandler): void {
    this.packetHandler = handler;
  }

  onStream(handler: StreamHandler): void {
    this.streamHandler = handler;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.udp.close();
    this.tcp.close();
    for (const s of [...this.inbound, ...this.outbound]) s.destroy();
  }

  private serveStream(s: Socket): void {
    if (this.closed || this.inbound.size >= (this.opts.maxInboundStreams ?? 256)) {
      this.drop("stream-limit");
      s.destroy();
      return;
    }
    this.inbound.add(s);
    s.on("close", () => this.inbound.delete(s));
    s.on("error", () => s.destroy());
    s.setTimeout(this.opts.inboundIdleMs ?? 10_000, () => s.destroy());
    const from = joinAddress(s.remoteAddress ?? "?", s.remotePort ?? 0);
    readFrame(s, this.maxFrame, (r) => {
      if (!r.ok) {
        this.drop(`stream-${r.error}`);
        s.destroy();
        return;
      }
      let replied = false;
      this.streamHandler(from, r.data, (reply) => {
        if (replied || s.destroyed) return;
        replied = true;
        if (reply.length > this.maxFrame) return s.destroy();
        s.end(frame(reply));
      });
    });
  }

  private drop(reason: string): void {
    this.opts.onDrop?.(reason);
  }
}

function frame(data: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(4 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.set(data, 4);
  return b;
}

/** Reads one length-prefixed frame; refuses lengths over `max` before buffering them. */
function readFrame(s: Socket, max: number, done: (r: StreamResult) => void): void {
  const chunks: Buffer[] = [];
  let have = 0;
  let need = -1;
  let fired = false;
  const fire = (r: StreamResult) => {
    if (fired) return;
    fired = true;
    s.off("data", onData);
    done(r);
  };
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    have += chunk.length;
    if (need < 0 && have >= 4) {
      need = Buffer.concat(chunks).readUInt32BE(0);
      if (need > max) return fire({ ok: false, error: "too-large" });
    }
    if (need >= 0 && have >= 4 + need) {
      fire({ ok: true, data: new Uint8Array(Buffer.concat(chunks).subarray(4, 4 + need)) });
    }
  };
  s.on("data", onData);
}

import { createSocket, type Socket } from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";

export interface SrvAnswer {
  target: string;
  port: number;
  priority?: number;
  weight?: number;
}

/** What the test server answers for one name; a name absent from the table is NXDOMAIN. */
export interface DnsRecords {
  a?: string[];
  aaaa?: string[];
  srv?: SrvAnswer[];
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;

/**
 * A tiny authoritative DNS server on UDP for tests: A, AAAA and SRV from a table the test may change
 * at any time (the agent re-resolves on every join attempt). Queries it cannot parse get no answer.
 */
export class TestDnsServer {
  readonly records = new Map<string, DnsRecords>();
  queries = 0;

  private constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {}

  static async start(): Promise<TestDnsServer> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const server = new TestDnsServer(socket, `127.0.0.1:${socket.address().port}`);
    socket.on("message", (msg, rinfo) => {
      const reply = server.answer(msg);
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    });
    return server;
  }

  set(name: string, r: DnsRecords): void {
    this.records.set(name.toLowerCase(), r);
  }

  close(): void {
    this.socket.close();
  }

  private answer(q: Buffer): Buffer | null {
    if (q.length < 12 || q.readUInt16BE(4) !== 1) return null;
    let at = 12;
    const labels: string[] = [];
    while (at < q.length && q[at] !== 0) {
      const n = q[at]!;
      if (n > 63 || at + 1 + n > q.length) return null;
      labels.push(q.subarray(at + 1, at + 1 + n).toString("ascii"));
      at += 1 + n;
    }
    if (at + 5 > q.length) return null;
    const qtype = q.readUInt16BE(at + 1);
    const question = q.subarray(12, at + 5);
    this.queries++;
    const rec = this.records.get(labels.join(".").toLowerCase());
    const answers: Buffer[] = [];
    if (rec && qtype === TYPE_A) for (const a of rec.a ?? []) answers.push(rr(TYPE_A, v4(a)));
    if (rec && qtype === TYPE_AAAA) for (const a of rec.aaaa ?? []) answers.push(rr(TYPE_AAAA, v6(a)));
    if (rec && qtype === TYPE_SRV) {
      for (const s of rec.srv ?? []) {
        const fixed = Buffer.alloc(6);
        fixed.writeUInt16BE(s.priority ?? 0, 0);
        fixed.writeUInt16BE(s.weight ?? 0, 2);
        fixed.writeUInt16BE(s.port, 4);
        answers.push(rr(TYPE_SRV, Buffer.concat([fixed, name(s.target)])));
      }
    }
    const header = Buffer.alloc(12);
    header.writeUInt16BE(q.readUInt16BE(0), 0);
    // QR, AA, RD copied, RA; rcode 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8480 | (q.readUInt16BE(2) & 0x0100) | (rec ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    return Buffer.concat([header, question, ...answers]);
  }
}

/** One answer record named by a pointer to the question's name (offset 12), TTL 0. */
function rr(type: number, data: Buffer): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(0xc00c, 0);
  b.writeUInt16BE(type, 2);
  b.writeUInt16BE(1, 4);
  b.writeUInt32BE(0, 6);
  b.writeUInt16BE(data.length, 10);
  return Buffer.concat([b, data]);
}

function name(n: string): Buffer {
  const parts = n.split(".").filter((l) => l !== "");
  return Buffer.concat([
    ...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

function v4(a: string): Buffer {
  if (!isIPv4(a)) throw new Error(`not IPv4: ${a}`);
  return Buffer.from(a.split(".").map(Number));
}

function v6(a: string): Buffer {
  if (!isIPv6(a)) throw new Error(`not IPv6: ${a}`);
  const [head, tail] = a.split("::") as [string, string | undefined];
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

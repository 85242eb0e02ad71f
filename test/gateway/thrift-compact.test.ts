import { readFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import thrift from "thrift";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";
import { ThriftGateway, thriftClient } from "../support/thrift-client.js";

// One Thrift port speaks binary and compact: the protocol is picked per connection from the
// first byte of its first message (0x80 strict binary, 0x82 compact).

type Client = Record<string, (...args: unknown[]) => Promise<unknown>>;
type I64 = { toNumber(): number };
interface ThriftDigest {
  type: string;
  payload: Buffer;
  origin: string;
  sequence: I64;
  headers: Record<string, string>;
  id: string;
  json?: string | null;
}

const readingThrift = readFileSync(join(REPO, "test/fixtures/reading.thrift"), "utf8");
let agent: AgentProcess;

beforeAll(async () => {
  agent = await startAgentProcess("compact-n1");
});
afterAll(async () => {
  expect(await agent.stop()).toBe(0);
});

/** A generated Thrift client over framed transport + compact protocol. */
function compactClient(address: string): { client: Client; close(): void } {
  const i = address.lastIndexOf(":");
  const conn = thrift.createConnection(address.slice(0, i), Number(address.slice(i + 1)), {
    transport: thrift.TFramedTransport,
    protocol: thrift.TCompactProtocol,
  });
  conn.on("error", () => {});
  const client = thrift.createClient(ThriftGateway as never, conn) as unknown as Client;
  return { client, close: () => conn.end() };
}

function framed(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** A compact CALL message header: protocol id, version 1 | CALL << 5, varint seqid, method name. */
function compactCall(method: string, seqid: number): Buffer {
  const name = Buffer.from(method);
  return Buffer.concat([Buffer.from([0x82, 0x21, seqid, name.length]), name]);
}

/**
 * Writes `chunks` in order (each after a reply frame if `awaitReply`), then half-closes if `end`.
 * Resolves when the gateway closes the connection, when `untilReplies` frames came back, or 2 s
 * after the last write.
 */
function exchange(
  address: string,
  chunks: Buffer[],
  opts: { end?: boolean; awaitReply?: boolean; untilReplies?: number } = {},
): Promise<{ closedByGateway: boolean; replies: Buffer[] }> {
  const i = address.lastIndexOf(":");
  return new Promise((resolve) => {
    const replies: Buffer[] = [];
    let got = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closedByGateway: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ closedByGateway, replies });
    };
    const s = netConnect(Number(address.slice(i + 1)), address.slice(0, i), () => next());
    const next = () => {
      s.write(chunks.shift()!);
      if (chunks.length === 0) {
        if (opts.end) s.end();
        timer = setTimeout(() => finish(false), 2_000);
      } else if (!opts.awaitReply) next();
    };
    s.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      while (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        replies.push(got.subarray(4, 4 + got.readInt32BE(0)));
        got = got.subarray(4 + got.readInt32BE(0));
        if (replies.length === opts.untilReplies) return finish(false);
        if (opts.awaitReply && chunks.length > 0) next();
      }
    });
    s.on("error", () => {});
    s.on("close", () => finish(true));
  });
}

async function pollUntil(client: Client, id: string, n: number): Promise<ThriftDigest[]> {
  const got: ThriftDigest[] = [];
  const t0 = Date.now();
  while (got.length < n && Date.now() - t0 < 10_000) {
    const items = (await client.poll!("", id, 100, 500)) as Array<{ batch?: ThriftDigest[] }>;
    for (const it of items) if (it.batch) got.push(...it.batch);
  }
  return got;
}

describe("compact protocol on the Thrift port", () => {
  it("answers info", async () => {
    const { client, close } = compactClient(agent.thrift!);
    const info = (await client.info!("", "")) as {
      nodeName: string;
      apiVersion: number;
      uptimeMs: I64;
      limits: { maxBatchDigests: number; maxThriftFrameBytes: number };
      features: string[];
    };
    close();
    expect(info.nodeName).toBe("compact-n1");
    expect(info.apiVersion).toBe(1);
    expect(info.uptimeMs.toNumber()).toBeGreaterThan(0);
    expect(info.limits.maxBatchDigests).toBe(1024);
    expect(info.features).toContain("thrift");
  });

  it("registers a type, publishes one and a batch; binary and compact subscribers get the same digests", async () => {
    const c = compactClient(agent.thrift!);
    const b = thriftClient(agent.thrift!);
    const reg = (await c.client.registerDigestType!("", {
      overlay: "",
      name: "Reading",
      schema: { thriftIdl: [{ path: "reading.thrift", content: readingThrift }] },
      skipPayloadValidation: false,
      description: "over compact",
    })) as { created: boolean; type: { fingerprint: string; version: I64; skipPayloadValidation: boolean } };
    expect(reg.created).toBe(true);
    expect(reg.type.version.toNumber()).toBe(1);
    expect(reg.type.skipPayloadValidation).toBe(false);
    const viaBinary = (await b.client.getDigestType!("", "", "Reading")) as { fingerprint: string };
    expect(viaBinary.fingerprint).toBe(reg.type.fingerprint);

    const request = { overlay: "", types: ["Reading"], start: 1, includeJson: true };
    const compactSub = (await c.client.subscribe!("", request)) as string;
    const binarySub = (await b.client.subscribe!("", request)) as string;

    const json = (i: number) => JSON.stringify({ sensor: `s${i}`, value: i + 0.5, at_ms: 1000 + i });
    const one = (await c.client.publish!("", "", {
      type: "Reading",
      body: { json: json(0) },
      headers: { via: "compact" },
    })) as { id: string; sequence: I64 };
    const batch = (await c.client.publishBatch!(
      "",
      "",
      [1, 2, 3].map((i) => ({ type: "Reading", body: { json: json(i) }, headers: { i: String(i) } })),
    )) as Array<{ id: string; sequence: I64 }>;
    const fromBinary = (await b.client.publish!("", "", {
      type: "Reading",
      body: { json: json(4) },
      headers: {},
    })) as { id: string };
    const published = [one, ...batch, fromBinary].map((r) => r.id);
    expect(new Set(published).size).toBe(5);
    expect(batch.map((r) => r.sequence.toNumber())).toEqual(
      [2, 3, 4].map((k) => one.sequence.toNumber() + k - 1),
    );

    const [viaCompact, viaBinaryPoll] = await Promise.all([
      pollUntil(c.client, compactSub, 5),
      pollUntil(b.client, binarySub, 5),
    ]);
    const view = (ds: ThriftDigest[]) =>
      ds.map((d) => ({
        id: d.id,
        type: d.type,
        origin: d.origin,
        sequence: d.sequence.toNumber(),
        payload: Buffer.from(d.payload).toString("hex"),
        headers: d.headers,
        json: d.json ? JSON.parse(d.json) : null,
      }));
    expect(view(viaCompact)).toEqual(view(viaBinaryPoll));
    expect(viaCompact.map((d) => d.id)).toEqual(published);
    expect(viaCompact[0]!.headers).toEqual({ via: "compact" });
    expect(JSON.parse(viaCompact[2]!.json!)).toMatchObject({ sensor: "s2", value: 2.5 });

    await c.client.unsubscribe!("", compactSub);
    await b.client.unsubscribe!("", binarySub);
    c.close();
    b.close();
  });

  it("raises HearsayError with the shared codes, and answers a bool", async () => {
    const { client, close } = compactClient(agent.thrift!);
    await expect(client.getDigestType!("", "", "nope.Nope")).rejects.toMatchObject({ code: 5 });
    await expect(client.publish!("", "", {})).rejects.toMatchObject({
      code: 3,
      message: expect.stringMatching(/^digest.body/),
    });
    await expect(client.info!("", "elsewhere")).rejects.toMatchObject({ code: 5 });
    await expect(client.poll!("", "no-such-subscription", 10, 0)).rejects.toMatchObject({ code: 5 });
    expect(await client.deregisterService!("", "", "nothing", "none")).toBe(false);
    // The connection still serves after errors.
    expect(((await client.info!("", "")) as { nodeName: string }).nodeName).toBe("compact-n1");
    close();
  });

  it("answers an unknown method with TApplicationException UNKNOWN_METHOD (1) in compact", async () => {
    const call = framed(Buffer.concat([compactCall("noSuchMethod", 7), Buffer.from([0x00])]));
    const { replies } = await exchange(agent.thrift!, [call], { untilReplies: 1 });
    expect(replies.length).toBe(1);
    const input = new thrift.TCompactProtocol(new thrift.TFramedTransport(replies[0]!));
    const head = input.readMessageBegin();
    expect(head).toMatchObject({
      fname: "noSuchMethod",
      mtype: thrift.Thrift.MessageType.EXCEPTION,
      rseqid: 7,
    });
    const x = new thrift.Thrift.TApplicationException();
    x.read(input);
    // The runtime reads the wire's `type` field into `type` (its typings call it `code`).
    expect((x as unknown as { type: number }).type).toBe(
      thrift.Thrift.TApplicationExceptionType.UNKNOWN_METHOD,
    );
    expect(x.message).toContain("noSuchMethod");
  });
});

describe("hostile input on the compact path", () => {
  it("closes only the offending connection; binary and compact clients keep working", async () => {
    const t = agent.thrift!;
    const b = thriftClient(t);
    const c = compactClient(t);
    expect(((await b.client.info!("", "")) as { nodeName: string }).nodeName).toBe("compact-n1");
    expect(((await c.client.info!("", "")) as { nodeName: string }).nodeName).toBe("compact-n1");
    const dropsBefore = agent.lines.filter((l) => l.includes("thrift connection dropped")).length;

    // Garbage after the compact protocol id: bad version nibble, then an unknown field type.
    const badVersion = framed(Buffer.from([0x82, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02, 0x03]));
    expect((await exchange(t, [badVersion])).closedByGateway).toBe(true);
    const badType = framed(Buffer.concat([compactCall("info", 1), Buffer.from([0x1e, 0x00])]));
    expect((await exchange(t, [badType])).closedByGateway).toBe(true);
    // A string length far past the frame: read as a truncated message, no reply.
    const longString = framed(Buffer.concat([compactCall("info", 2), Buffer.from([0x18, 0xff, 0xff, 0x7f])]));
    expect((await exchange(t, [longString], { end: true })).replies).toEqual([]);
    // A frame cut short, then the client half-closes: the gateway closes, nothing answered.
    const truncated = framed(Buffer.concat([compactCall("info", 3), Buffer.from([0x00])])).subarray(0, 8);
    const cut = await exchange(t, [truncated], { end: true });
    expect(cut).toEqual({ closedByGateway: true, replies: [] });
    // Frame lengths over maxThriftFrameBytes (4 MiB) and negative ones close at once.
    for (const len of [4 * 1024 * 1024 + 1, 0x7fffffff, -1]) {
      const head = Buffer.alloc(4);
      head.writeInt32BE(len, 0);
      expect((await exchange(t, [Buffer.concat([head, Buffer.from([0x82, 0x21])])])).closedByGateway).toBe(
        true,
      );
    }
    // The protocol is fixed by the first message: a binary frame on a compact connection is malformed.
    const info = framed(Buffer.concat([compactCall("info", 4), Buffer.from([0x00])]));
    const binaryInfo = framed(
      Buffer.concat([
        Buffer.from([0x80, 0x01, 0x00, 0x01, 0, 0, 0, 4]),
        Buffer.from("info"),
        Buffer.from([0, 0, 0, 5, 0]),
      ]),
    );
    const switched = await exchange(t, [info, binaryInfo], { awaitReply: true });
    expect(switched.closedByGateway).toBe(true);
    expect(switched.replies.length).toBe(1);
    expect(switched.replies[0]![0]).toBe(0x82); // the compact call was answered in compact

    expect(agent.child.exitCode).toBe(null);
    expect(((await b.client.info!("", "")) as { nodeName: string }).nodeName).toBe("compact-n1");
    expect(((await c.client.info!("", "")) as { nodeName: string }).nodeName).toBe("compact-n1");
    b.close();
    c.close();
    const drops = agent.lines.filter((l) => l.includes("thrift connection dropped")).slice(dropsBefore);
    expect(drops.length).toBeGreaterThanOrEqual(6);
    expect(drops.some((l) => l.includes('"protocol":"compact"'))).toBe(true);
  });
});

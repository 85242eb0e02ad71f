import { connect as netConnect } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, NotFound, Unavailable } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { thriftClient } from "../support/thrift-client.js";

let agent: AgentProcess;

beforeAll(async () => {
  agent = await startAgentProcess("info-n1");
});
afterAll(async () => {
  expect(await agent.stop()).toBe(0);
});

/** Writes raw bytes to a port and waits for the peer to close or 500 ms. */
function sendRaw(address: string, bytes: Buffer): Promise<void> {
  const i = address.lastIndexOf(":");
  return new Promise((resolve) => {
    const s = netConnect(Number(address.slice(i + 1)), address.slice(0, i), () => s.end(bytes));
    s.on("error", () => resolve());
    s.on("close", () => resolve());
    s.setTimeout(500, () => s.destroy());
  });
}

describe("Info over gRPC (TypeScript SDK)", () => {
  it("says who the gateway is", async () => {
    const client = connect({ address: agent.grpc });
    const info = await client.info();
    client.close();
    expect(info.nodeName).toBe("info-n1");
    expect(info.overlay).toBe("default");
    expect(info.apiVersion).toBe(1);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.limits?.maxDigestBytes).toBe(1024 * 1024);
    expect(info.features).toContain("thrift");
    expect(typeof info.uptimeMs).toBe("bigint");
  });

  it("refuses an overlay it does not serve with NOT_FOUND", async () => {
    const client = connect({ address: agent.grpc, overlay: "elsewhere" });
    await expect(client.info()).rejects.toThrow(NotFound);
    await expect(client.info()).rejects.toThrow(/overlay "elsewhere"/);
    client.close();
  });

  it("reports a closed port as Unavailable, without hanging", async () => {
    const client = connect({ address: "127.0.0.1:1", callTimeoutMs: 3_000 });
    await expect(client.info()).rejects.toThrow(Unavailable);
    client.close();
  });

  it("serves the standard gRPC health check", async () => {
    const Health = grpc.makeGenericClientConstructor(
      {
        check: {
          path: "/grpc.health.v1.Health/Check",
          requestStream: false,
          responseStream: false,
          // grpc.health.v1.HealthCheckRequest{service=""} is the empty message.
          requestSerialize: () => Buffer.alloc(0),
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      "grpc.health.v1.Health",
    );
    const h = new Health(agent.grpc, grpc.credentials.createInsecure()) as unknown as {
      check(req: unknown, cb: (e: Error | null, r: Buffer) => void): void;
      close(): void;
    };
    const res = await new Promise<Buffer>((resolve, reject) =>
      h.check({}, (e, r) => (e ? reject(e) : resolve(r))),
    );
    h.close();
    expect([...res]).toEqual([0x08, 0x01]); // HealthCheckResponse{status: SERVING}
  });
});

describe("info over Thrift", () => {
  it("says who the gateway is", async () => {
    const { client, close } = thriftClient(agent.thrift!);
    const info = (await client.info!("", "")) as {
      nodeName: string;
      apiVersion: number;
      limits: { maxBatchDigests: number };
    };
    close();
    expect(info.nodeName).toBe("info-n1");
    expect(info.apiVersion).toBe(1);
    expect(info.limits.maxBatchDigests).toBe(1024);
  });

  it("raises HearsayError with the shared codes", async () => {
    const { client, close } = thriftClient(agent.thrift!);
    await expect(client.registerService!("", {})).rejects.toMatchObject({
      code: 3,
      message: expect.stringMatching(/^name: required/),
    });
    await expect(client.publish!("", "", {})).rejects.toMatchObject({
      code: 3,
      message: expect.stringMatching(/^digest.body/),
    });
    await expect(client.info!("", "elsewhere")).rejects.toMatchObject({ code: 5 });
    close();
  });
});

describe("unknown Thrift method", () => {
  it("answers TApplicationException UNKNOWN_METHOD (1) and keeps the connection's server alive", async () => {
    const i = agent.thrift!.lastIndexOf(":");
    const name = Buffer.from("noSuchMethod");
    const body = Buffer.concat([
      Buffer.from([0x80, 0x01, 0x00, 0x01]), // strict binary, CALL
      Buffer.from([0, 0, 0, name.length]),
      name,
      Buffer.from([0, 0, 0, 7]), // seqid
      Buffer.from([0]), // empty args struct
    ]);
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const s = netConnect(Number(agent.thrift!.slice(i + 1)), agent.thrift!.slice(0, i), () =>
        s.write(frame),
      );
      s.on("data", (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
          s.destroy();
          resolve(got);
        }
      });
      s.on("error", reject);
      s.setTimeout(3000, () => reject(new Error("no reply")));
    });
    expect(reply.readUInt32BE(4)).toBe(0x80010003); // EXCEPTION
    const typeField = reply.indexOf(Buffer.from([0x08, 0x00, 0x02]), 4);
    expect(typeField).toBeGreaterThan(0);
    expect(reply.readInt32BE(typeField + 3)).toBe(1); // UNKNOWN_METHOD
    expect(reply.toString("latin1")).toContain("noSuchMethod");
  });
});

describe("hostile input", () => {
  it("survives garbage, oversize frames and truncated calls on both ports", async () => {
    const t = agent.thrift!;
    await sendRaw(t, Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    await sendRaw(t, Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])); // 2 GiB frame length
    await sendRaw(t, Buffer.from([0, 0, 0, 10, 0x80, 0x01, 0, 1, 0, 0, 0, 4, 0x69])); // truncated message
    await sendRaw(t, Buffer.from([0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8])); // a frame of noise
    await sendRaw(agent.grpc, Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\xff\xff\xff\xff"));
    await sendRaw(agent.grpc, Buffer.alloc(4096, 0xab));
    expect(agent.child.exitCode).toBe(null);
    const client = connect({ address: agent.grpc });
    expect((await client.info()).nodeName).toBe("info-n1");
    client.close();
    const th = thriftClient(t);
    expect(((await th.client.info!("", "")) as { nodeName: string }).nodeName).toBe("info-n1");
    th.close();
    expect(agent.lines.some((l) => l.includes("thrift connection dropped"))).toBe(true);
  });
});

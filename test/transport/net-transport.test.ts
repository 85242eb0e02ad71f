import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { NetTransport, splitAddress, type StreamResult } from "../../src/transport/index.js";

const open: NetTransport[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function node(host = "127.0.0.1", drops: string[] = []): Promise<NetTransport> {
  const t = await NetTransport.listen({ host, port: 0, maxFrameBytes: 1024, onDrop: (r) => drops.push(r) });
  open.push(t);
  return t;
}

const request = (t: NetTransport, to: string, data: Uint8Array, timeoutMs = 2_000) =>
  new Promise<StreamResult>((resolve) => t.request(to, data, timeoutMs, resolve));

describe("NetTransport (real sockets)", () => {
  it.each(["127.0.0.1", "::1"])("carries datagrams and request/response exchanges over %s", async (host) => {
    const a = await node(host);
    const b = await node(host);
    const got = new Promise<[string, Uint8Array]>((resolve) => b.onPacket((from, d) => resolve([from, d])));
    a.sendPacket(b.localAddress, new Uint8Array([1, 2, 3]));
    const [from, data] = await got;
    expect(from).toBe(a.localAddress);
    expect([...data]).toEqual([1, 2, 3]);

    b.onStream((_from, d, reply) => reply(new Uint8Array([...d].reverse())));
    const r = await request(a, b.localAddress, new Uint8Array([7, 8, 9]));
    expect(r).toEqual({ ok: true, data: new Uint8Array([9, 8, 7]) });
  });

  it("reports refused connections and timeouts", async () => {
    const a = await node();
    const b = await node();
    const addr = b.localAddress;
    b.onStream(() => {}); // never replies
    expect(await request(a, addr, new Uint8Array([1]), 200)).toEqual({ ok: false, error: "timeout" });
    b.close();
    const r = await request(a, addr, new Uint8Array([1]));
    expect(r.ok).toBe(false);
    expect(await request(a, "not an address", new Uint8Array([1]))).toEqual({ ok: false, error: "io" });
  });

  it("refuses oversize frames before buffering them and keeps serving", async () => {
    const drops: string[] = [];
    const b = await node("127.0.0.1", drops);
    b.onStream((_f, d, reply) => reply(d));
    const target = splitAddress(b.localAddress)!;
    await new Promise<void>((resolve) => {
      const s = connect(target.port, target.host, () => s.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0])));
      s.on("close", () => resolve());
      s.on("error", () => resolve());
    });
    expect(drops).toContain("stream-too-large");
    const a = await node();
    expect(await request(a, b.localAddress, new Uint8Array(2048))).toEqual({ ok: false, error: "too-large" });
    expect(await request(a, b.localAddress, new Uint8Array([5]))).toEqual({
      ok: true,
      data: new Uint8Array([5]),
    });
  });

  it("parses addresses strictly", () => {
    expect(splitAddress("[::1]:7946")).toEqual({ host: "::1", port: 7946 });
    expect(splitAddress("10.0.0.1:1")).toEqual({ host: "10.0.0.1", port: 1 });
    expect(splitAddress("10.0.0.1:99999")).toBe(null);
    expect(splitAddress("::1:80")).toBe(null);
    expect(splitAddress("")).toBe(null);
  });
});

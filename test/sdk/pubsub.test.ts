import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bufCodec,
  type Codec,
  type Cursor,
  type PublishResult,
  type Delivery,
  type DigestDelivery,
  type HearsayClient,
  tsProtoCodec,
} from "../../src/sdk/index.js";
import {
  bufDescriptor,
  bufGreeting,
  type Cluster,
  EVENT_FILES,
  type Greeting,
  SDK_PROTO,
  startCluster,
  take,
  tsProtoGreeting,
} from "./fixtures.js";

// Three real gateways (p-g1 seed, p-g2, p-g3). The type "sdk.Greeting" is
// registered from .proto text and spoken through a ts-proto codec;
// "demo.Greeting" is registered from a @bufbuild/protobuf descriptor.

let cluster: Cluster;
let clients: HearsayClient[] = [];
let greeting: Codec<Greeting>;

const msg = (i: number): Greeting => ({ text: `hello ${i}`, sentAtMs: BigInt(i), tags: [`t${i % 3}`] });
const digests = (ds: Delivery<Greeting>[]) =>
  ds.filter((d): d is DigestDelivery<Greeting> => d.kind === "digest");

beforeAll(async () => {
  greeting = tsProtoCodec(await tsProtoGreeting(), "sdk.Greeting");
  cluster = await startCluster(["p-g1", "p-g2", "p-g3"]);
  clients = cluster.clients;
});
afterAll(() => cluster?.stop());

describe("registerType", () => {
  it("registers from a ts-proto type's .proto files, identically again with created = false", async () => {
    const again = await clients[1]!.registerType(
      { typeName: "sdk.Greeting", protoFiles: { "sdk/greeting.proto": SDK_PROTO } },
      {},
    );
    expect(again).toMatchObject({ name: "sdk.Greeting", version: 1n, created: false, registeredBy: "p-g1" });
    expect(again.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("registers from a @bufbuild/protobuf descriptor and from schema text", async () => {
    const desc = bufGreeting();
    const t = await clients[0]!.registerType(desc, { description: "from bufbuild" });
    expect(t).toMatchObject({ name: "demo.Greeting", version: 1n, description: "from bufbuild" });
    expect((await clients[0]!.registerType(bufCodec(desc), { description: "from bufbuild" })).created).toBe(
      false,
    );
    const thrift = await clients[0]!.registerTypeFromSource(
      "sdk.Reading",
      "namespace js sdk\nstruct Reading { 1: string sensor, 2: double value }\n",
      "thrift",
    );
    expect(thrift).toMatchObject({ name: "sdk.Reading", created: true });
    expect((await clients[0]!.getType("sdk.Reading")).fingerprint).toBe(thrift.fingerprint);
  });

  it("registers a descriptor whose file imports others (well-known types included) and speaks it", async () => {
    const desc = bufDescriptor(EVENT_FILES, "sdk.Event");
    const event = bufCodec(desc);
    expect((await clients[0]!.registerType(event)).created).toBe(true);
    const sub = clients[0]!.subscribe(event, { includeJson: true });
    await sub.started;
    const at = { seconds: 1_700_000_000n, nanos: 0 };
    await clients[0]!.publish(event, create(desc, { level: 1, at, what: "x" } as never));
    const [d] = await take(sub, 1, 10_000);
    sub.close();
    expect(d!.kind === "digest" && JSON.parse(d!.json!)).toEqual({
      level: "LEVEL_HIGH",
      at: "2023-11-14T22:13:20Z",
      what: "x",
    });
    expect(d!.kind === "digest" && (d!.message as { what?: string }).what).toBe("x");
  });
});

describe("publish and subscribe on one gateway", () => {
  it("delivers decoded ts-proto messages with ids, headers and a cursor per (origin, type)", async () => {
    const c = clients[0]!;
    const sub = c.subscribe([greeting], { includeJson: true });
    await sub.started;
    const results = [];
    for (let i = 1; i <= 3; i++)
      results.push(await c.publish(greeting, msg(i), { headers: { i: String(i) } }));
    expect(results[0]!.origin).toBe("p-g1");
    expect(results[2]!.sequence - results[0]!.sequence).toBe(2n);
    const got = digests(await take(sub, 3, 10_000));
    sub.close();
    expect(got.map((d) => d.message)).toEqual([msg(1), msg(2), msg(3)]);
    expect(got.map((d) => d.id)).toEqual(results.map((r) => r.id));
    expect(got[1]!.headers).toEqual({ i: "2" });
    expect(JSON.parse(got[0]!.json!)).toMatchObject({ text: "hello 1" });
    expect(got[2]!.cursor.positions).toEqual([
      {
        origin: "p-g1",
        type: "sdk.Greeting",
        epoch: results[2]!.epoch,
        sequence: results[2]!.streamSequence,
      },
    ]);
    expect(sub.cursor).toEqual(got[2]!.cursor);
  });

  it("publishes JSON and raw bytes, and decodes with a @bufbuild codec", async () => {
    const c = clients[0]!;
    const desc = bufGreeting();
    const buf = bufCodec(desc);
    const sub = c.subscribe(buf, { start: "latest" });
    await sub.started;
    await c.publish("demo.Greeting", { json: { text: "as json", sentAtMs: "7" } });
    await c.publish(buf, create(desc, { text: "via codec" } as never));
    await c.publish("demo.Greeting", buf.encode(create(desc, { text: "as bytes" } as never)));
    const got = (await take(sub, 3, 10_000)).map((d) => (d.kind === "digest" ? d.message : d));
    sub.close();
    expect(got.map((m) => [(m as never as Greeting).text, (m as never as Greeting).sentAtMs])).toEqual([
      ["as json", 7n],
      ["via codec", 0n],
      ["as bytes", 0n],
    ]);
    expect((got[0] as { $typeName?: string }).$typeName).toBe("demo.Greeting");
  });
});

/** The cursor just after a published digest. */
const after = (r: PublishResult): Cursor => ({
  positions: [{ origin: r.origin, type: "sdk.Greeting", epoch: r.epoch, sequence: r.streamSequence }],
});

describe("publish and subscribe across gateways", () => {
  it("a digest published at one gateway reaches codec subscribers at the two others", async () => {
    // Resume right after a marker, so digests of earlier tests (within "latest"'s grace) stay out.
    const resumeFrom = after(await clients[0]!.publish(greeting, msg(41)));
    const subs = [
      clients[1]!.subscribe(greeting, { resumeFrom }),
      clients[2]!.subscribe(greeting, { resumeFrom }),
    ];
    await Promise.all(subs.map((s) => s.started));
    const r = await clients[0]!.publish(greeting, msg(42));
    const got = await Promise.all(subs.map((s) => take(s, 1, 15_000)));
    for (const s of subs) s.close();
    for (const g of got) {
      expect(digests(g).map((d) => [d.id, d.origin, d.message])).toEqual([[r.id, "p-g1", msg(42)]]);
    }
  });

  it("the batching publisher's 10,000 digests reach subscribers at the two other gateways in order, exactly once", async () => {
    const n = 10_000;
    const resumeFrom = after(await clients[0]!.publish(greeting, msg(-1)));
    const subs = [
      clients[1]!.subscribe(greeting, { resumeFrom }),
      clients[2]!.subscribe(greeting, { resumeFrom }),
    ];
    await Promise.all(subs.map((s) => s.started));
    const pub = clients[0]!.publisher({ maxBatch: 500, lingerMs: 5 });
    const acks = Array.from({ length: n }, (_, i) => pub.publish(greeting, msg(i)));
    const flushed = await pub.close();
    const results = await Promise.all(acks);
    expect(flushed.length).toBe(n);
    expect(new Set(results.map((r) => r.id)).size).toBe(n);
    for (let i = 1; i < n; i++) expect(results[i]!.sequence).toBe(results[i - 1]!.sequence + 1n);
    const got = await Promise.all(subs.map(async (s) => digests(await take(s, n, 60_000))));
    for (const s of subs) s.close();
    for (const g of got) {
      expect(g.length).toBe(n);
      expect(g.map((d) => d.id)).toEqual(results.map((r) => r.id));
      expect(g.every((d, i) => d.message?.text === `hello ${i}` && d.message.sentAtMs === BigInt(i))).toBe(
        true,
      );
      expect(g.at(-1)!.cursor.positions).toEqual([
        {
          origin: "p-g1",
          type: "sdk.Greeting",
          epoch: results.at(-1)!.epoch,
          sequence: results.at(-1)!.streamSequence,
        },
      ]);
    }
  }, 120_000);
});

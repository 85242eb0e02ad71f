import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type DigestDelivery, type HearsayClient } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { thriftClient } from "../support/thrift-client.js";
import { GREETING_PROTO } from "../sdk/fixtures.js";

// Issue #15, "bounded by bytes": a subscriber that asks for the start of a stream of ~1 MiB digests
// gets them all queued at once; responses are cut by bytes (1 MiB) under the 4 MiB message limit, so
// every digest arrives once, in order, over gRPC (with and without JSON) and Thrift polls, and no
// stream ends with RESOURCE_EXHAUSTED.

const MIB = 1024 * 1024;
let gw: AgentProcess;
let client: HearsayClient;
/** What was published, in order: its text, payload bytes, and whether its JSON passes the message limit. */
const published: Array<{ text: string; payload: Buffer; hugeJson: boolean }> = [];

/** demo.Greeting { text } in protobuf (by hand: fromJson bounds its input at 4 MiB). */
function greetingOf(text: string): Buffer {
  const body = Buffer.from(text, "utf8");
  const len: number[] = [];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 128) {
      len.push(n);
      break;
    }
    len.push((n & 127) | 128);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), body]);
}

beforeAll(async () => {
  gw = await startAgentProcess("big-g1", ["--profile", "local"]);
  client = connect({ address: gw.grpc });
  await client.registerTypeFromSource("demo.Greeting", { "g.proto": GREETING_PROTO }, "proto");
  // 12 digests just under 1 MiB between small ones, one whose JSON (each \u0001 becomes 6 bytes)
  // would pass 4 MiB, then 300 small ones that still go in one batch.
  const add = (text: string, hugeJson = false) =>
    published.push({ text, payload: greetingOf(text), hugeJson });
  for (let i = 0; i < 12; i++) {
    add(String.fromCharCode(97 + i).repeat(MIB - 8));
    if (i % 3 === 0) add(`small ${i}`);
  }
  add("\u0001".repeat(MIB - 8), true);
  for (let i = 0; i < 300; i++) add(`tail ${i}`);
  for (const p of published) await client.publish("demo.Greeting", p.payload);
}, 60_000);
afterAll(async () => {
  client?.close();
  await gw?.stop();
});

/** Reads the stream from its start until every published digest arrived; throws if the stream ends. */
async function subscribeAll(includeJson: boolean): Promise<DigestDelivery[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30_000);
  const got: DigestDelivery[] = [];
  const sub = client.subscribe("demo.Greeting", {
    start: "earliest",
    includeJson,
    reconnect: false,
    signal: ac.signal,
  });
  for await (const d of sub) {
    if (d.kind === "gap") throw new Error(`gap: ${d.message}`);
    got.push(d);
    if (got.length === published.length) break;
  }
  clearTimeout(timer);
  return got;
}

function expectAllInOrder(seqs: number[], payloads: Uint8Array[]): void {
  expect(seqs.length).toBe(published.length);
  for (let i = 0; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[0]! + i);
  for (let i = 0; i < published.length; i++) {
    expect(Buffer.from(payloads[i]!).equals(published[i]!.payload)).toBe(true);
  }
}

describe("Subscribe responses and Thrift poll answers bounded by bytes", () => {
  it("delivers 1 MiB digests over gRPC through the SDK, each once, in order", async () => {
    const got = await subscribeAll(false);
    expectAllInOrder(
      got.map((d) => Number(d.sequence)),
      got.map((d) => d.payload),
    );
  }, 60_000);

  it("with JSON rendering too; a rendering that would pass the message limit is left out", async () => {
    const got = await subscribeAll(true);
    expectAllInOrder(
      got.map((d) => Number(d.sequence)),
      got.map((d) => d.payload),
    );
    for (let i = 0; i < got.length; i++) {
      const json = got[i]!.json;
      if (published[i]!.hugeJson) expect(json).toBeUndefined();
      else expect((JSON.parse(json!) as { text: string }).text).toBe(published[i]!.text);
    }
  }, 60_000);

  it.each([false, true])(
    "answers Thrift polls within the byte budget (includeJson %s)",
    async (includeJson) => {
      const th = thriftClient(gw.thrift!);
      try {
        const id = (await th.client.subscribe!("", {
          overlay: "",
          types: ["demo.Greeting"],
          start: 1,
          includeJson,
        })) as string;
        type ThriftDigest = { sequence: { toNumber(): number }; payload: Buffer; json: string | null };
        const got: ThriftDigest[] = [];
        const perAnswer: number[] = [];
        const t0 = Date.now();
        while (got.length < published.length && Date.now() - t0 < 30_000) {
          const items = (await th.client.poll!("", id, 4096, 1000)) as Array<{ batch?: ThriftDigest[] }>;
          let bytes = 0;
          for (const it of items) {
            for (const d of it.batch ?? []) bytes += d.payload.length + (d.json?.length ?? 0);
            got.push(...(it.batch ?? []));
          }
          perAnswer.push(bytes);
        }
        await th.client.unsubscribe!("", id);
        expectAllInOrder(
          got.map((d) => d.sequence.toNumber()),
          got.map((d) => d.payload),
        );
        // No answer carries two large digests: each is at most one digest over the 1 MiB budget.
        for (const b of perAnswer) expect(b).toBeLessThan((includeJson ? 2.5 : 1.5) * MIB);
        expect(got.at(-1)!.json === null).toBe(!includeJson);
      } finally {
        th.close();
      }
    },
    60_000,
  );
});

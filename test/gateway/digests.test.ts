import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GatewayClient,
  type PublishResponse,
  type PublishStreamResponse,
  type SubscribeResponse,
} from "../../src/gen/proto/hearsay/v1/gateway.js";
import type { Digest, NewDigest } from "../../src/gen/proto/hearsay/v1/types.js";
import { compileSchema, type CompiledType } from "../../src/schemas/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";
import { thriftClient } from "../support/thrift-client.js";

// Three real gateways: digests published at g1 reach a gRPC subscriber at g2
// and a Thrift subscriber at g3, all of them, in order, exactly once.

const greetingProto = readFileSync(join(REPO, "test/fixtures/greeting.proto"), "utf8");
let greeting: CompiledType;
let gws: AgentProcess[] = [];
let stubs: GatewayClient[] = [];

beforeAll(async () => {
  const c = compileSchema({
    name: "demo.Greeting",
    format: "proto-source",
    files: [{ path: "g.proto", content: greetingProto }],
  });
  if (!c.ok) throw new Error(c.error.message);
  greeting = c.type;
  const g1 = await startAgentProcess("d-g1", ["--profile", "local"]);
  const rest = await Promise.all(
    ["d-g2", "d-g3"].map((n) => startAgentProcess(n, ["--profile", "local", "--join", g1.gossip])),
  );
  gws = [g1, ...rest];
  stubs = gws.map((g) => new GatewayClient(g.grpc, grpc.credentials.createInsecure()));
  await new Promise<void>((resolve, reject) =>
    stubs[0]!.registerDigestType(
      {
        overlay: "",
        name: "demo.Greeting",
        schema: {
          source: {
            $case: "protoSource",
            protoSource: { files: [{ path: "g.proto", content: greetingProto }] },
          },
        },
        skipPayloadValidation: false,
        description: "",
      },
      (e) => (e ? reject(e) : resolve()),
    ),
  );
  // Every gateway must know the type and every member before subscribing.
  for (const s of stubs) {
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) =>
        s.getDigestType({ overlay: "", name: "demo.Greeting" }, (e) => r(!e)),
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
afterAll(async () => {
  for (const s of stubs) s.close();
  await Promise.all(gws.map((g) => g.stop()));
});

function payload(i: number): Buffer {
  const r = greeting.fromJson(JSON.stringify({ text: `hello ${i}`, sentAtMs: String(i) }));
  if (!r.ok) throw new Error(r.error.message);
  return Buffer.from(r.payload);
}
const newDigest = (i: number): NewDigest => ({
  type: "demo.Greeting",
  body: { $case: "payload", payload: payload(i) },
  headers: { i: String(i) },
});

function publishStream(
  s: GatewayClient,
  digests: NewDigest[],
  batch: number,
): Promise<PublishStreamResponse> {
  return new Promise((resolve, reject) => {
    const call = s.publishStream((e, r) => (e ? reject(e) : resolve(r!)));
    for (let i = 0; i < digests.length; i += batch)
      call.write({ overlay: "", digests: digests.slice(i, i + batch) });
    call.end();
  });
}

function publish(s: GatewayClient, d: NewDigest): Promise<PublishResponse> {
  return new Promise((resolve, reject) =>
    s.publish({ overlay: "", digest: d }, (e, r) => (e ? reject(e) : resolve(r!))),
  );
}

/** Collects digests from a gRPC subscription until `n` arrived (or the timeout). */
function collectGrpc(s: GatewayClient, n: number, timeoutMs: number, opts: { resumeFrom?: Digest[] } = {}) {
  const got: Digest[] = [];
  const others: SubscribeResponse[] = [];
  const call = s.subscribe({
    overlay: "",
    types: ["demo.Greeting"],
    resumeFrom: opts.resumeFrom
      ? {
          positions: [
            {
              origin: opts.resumeFrom.at(-1)!.origin,
              type: "demo.Greeting",
              epoch: opts.resumeFrom.at(-1)!.epoch,
              sequence: opts.resumeFrom.at(-1)!.streamSequence,
            },
          ],
        }
      : undefined,
    start: 0,
    includeJson: false,
    maxBatchDigests: 0,
    keepaliveIntervalMs: 0,
  });
  const started = new Promise<void>((resolve) =>
    call.on("data", (m: SubscribeResponse) => {
      if (m.item?.$case === "batch") got.push(...m.item.batch.digests);
      else others.push(m);
      if (m.item?.$case === "started") resolve();
    }),
  );
  call.on("error", () => {});
  const done = new Promise<void>((resolve) => {
    const t0 = Date.now();
    const check = setInterval(() => {
      if (got.length >= n || Date.now() - t0 > timeoutMs) {
        clearInterval(check);
        resolve();
      }
    }, 20);
  });
  return { got, others, started, done, cancel: () => call.cancel() };
}

describe("publish and subscribe across three gateways", () => {
  it("delivers 10,000 digests to a gRPC and a Thrift subscriber, in order, exactly once", async () => {
    const n = 10_000;
    const sub = collectGrpc(stubs[1]!, n, 60_000);
    await sub.started;
    const th = thriftClient(gws[2]!.thrift!);
    const id = (await th.client.subscribe!("", {
      overlay: "",
      types: ["demo.Greeting"],
      start: 0,
      includeJson: false,
    })) as string;
    const thriftGot: Array<{ sequence: { toNumber(): number }; payload: Buffer }> = [];
    const polling = (async () => {
      const t0 = Date.now();
      while (thriftGot.length < n && Date.now() - t0 < 60_000) {
        const items = (await th.client.poll!("", id, 4096, 1000)) as Array<{ batch?: typeof thriftGot }>;
        for (const it of items) if (it.batch) thriftGot.push(...it.batch);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));

    const digests = Array.from({ length: n }, (_, i) => newDigest(i));
    const res = await publishStream(stubs[0]!, digests, 500);
    expect(res.accepted).toBe(BigInt(n));
    await sub.done;
    await polling;
    sub.cancel();
    await th.client.unsubscribe!("", id);
    th.close();

    for (const got of [
      sub.got.map((d) => [Number(d.sequence), d.payload] as const),
      thriftGot.map((d) => [d.sequence.toNumber(), d.payload] as const),
    ]) {
      expect(got.length).toBe(n);
      const seqs = got.map(([s]) => s);
      expect(new Set(seqs).size).toBe(n);
      for (let i = 1; i < n; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
      expect(Buffer.from(got[1234]![1]).equals(payload(1234))).toBe(true);
    }
    expect(sub.got[0]!.origin).toBe("d-g1");
    expect(sub.got[7]!.headers.i).toBe("7");
  }, 120_000);

  it("a subscriber that reconnects with its cursor gets what it missed, no duplicates", async () => {
    const first = collectGrpc(stubs[1]!, 100, 10_000);
    await first.started;
    for (let i = 0; i < 100; i++) await publish(stubs[0]!, newDigest(i));
    await first.done;
    first.cancel();
    expect(first.got.length).toBe(100);
    for (let i = 100; i < 300; i++) await publish(stubs[0]!, newDigest(i));
    const second = collectGrpc(stubs[1]!, 200, 10_000, { resumeFrom: first.got });
    await second.done;
    second.cancel();
    expect(second.got.length).toBe(200);
    expect(Number(second.got[0]!.sequence)).toBe(Number(first.got.at(-1)!.sequence) + 1);
  });

  it.each([
    [
      { type: "nope.Nope", body: { $case: "payload", payload: Buffer.from([]) }, headers: {} },
      grpc.status.NOT_FOUND,
      /nope.Nope/,
    ],
    [
      {
        type: "demo.Greeting",
        body: { $case: "payload", payload: Buffer.from([0xff, 0xff, 0xff]) },
        headers: {},
      },
      grpc.status.INVALID_ARGUMENT,
      /digest.payload: does not decode/,
    ],
    [
      { type: "demo.Greeting", body: { $case: "json", json: '{"text": 5}' }, headers: {} },
      grpc.status.INVALID_ARGUMENT,
      /digest.json/,
    ],
    [
      {
        type: "demo.Greeting",
        body: { $case: "payload", payload: Buffer.alloc(1024 * 1024 + 1) },
        headers: {},
      },
      grpc.status.RESOURCE_EXHAUSTED,
      /over the 1048576-byte digest limit/,
    ],
    [
      {
        type: "demo.Greeting",
        body: { $case: "payload", payload: Buffer.from([]) },
        headers: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, "v"])),
      },
      grpc.status.RESOURCE_EXHAUSTED,
      /headers/,
    ],
    [
      { type: "", body: { $case: "payload", payload: Buffer.from([]) }, headers: {} },
      grpc.status.INVALID_ARGUMENT,
      /digest.type: required/,
    ],
    [{ type: "demo.Greeting", body: undefined, headers: {} }, grpc.status.INVALID_ARGUMENT, /digest.body/],
  ] as Array<[NewDigest, grpc.status, RegExp]>)(
    "refuses bad publish %# with the right code",
    async (d, code, message) => {
      const err = await publish(stubs[0]!, d).catch((e) => e);
      expect(err.code).toBe(code);
      expect(err.details).toMatch(message);
    },
  );

  it("publishes JSON encoded by the schema", async () => {
    const r = await publish(stubs[0]!, {
      type: "demo.Greeting",
      body: { $case: "json", json: '{"text":"hi","sentAtMs":"9007199254740993"}' },
      headers: {},
    });
    expect(r.id).toBe(`d-g1:${r.epoch}:${r.sequence}`);
    expect(r.streamSequence).toBeGreaterThan(0n);
  });

  it("names the index of the refused digest in a stream, keeping the ones before", async () => {
    const digests = [newDigest(1), newDigest(2), { ...newDigest(3), type: "nope.Nope" }, newDigest(4)];
    const err = await publishStream(stubs[0]!, digests, 2).catch((e) => e);
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.details).toMatch(/^digests\[2\]/);
    expect(err.details).toMatch(/2 accepted before it/);
    // Refused in the middle of its request: the index is still the one in the stream.
    const mid = [newDigest(5), newDigest(6), newDigest(7), { ...newDigest(8), type: "nope.Nope" }];
    const err2 = await publishStream(stubs[0]!, mid, 2).catch((e) => e);
    expect(err2.details).toBe(
      'digests[3].type: digest type "nope.Nope" is not registered (3 accepted before it)',
    );
  });

  it("refuses subscriptions to unknown types and empty type lists", async () => {
    for (const [types, code] of [
      [["nope.Nope"], grpc.status.NOT_FOUND],
      [[], grpc.status.INVALID_ARGUMENT],
    ] as const) {
      const call = stubs[1]!.subscribe({
        overlay: "",
        types: [...types],
        start: 0,
        includeJson: false,
        maxBatchDigests: 0,
        keepaliveIntervalMs: 0,
      });
      const err = await new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
      expect(err.code).toBe(code);
    }
  });
});

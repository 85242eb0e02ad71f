import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Codec,
  type DigestDelivery,
  FailedPrecondition,
  type HearsayClient,
  type HearsayError,
  InvalidArgument,
  NotFound,
  ResourceExhausted,
  tsProtoCodec,
} from "../../src/sdk/index.js";
import { type Cluster, type Greeting, startCluster, take, tsProtoGreeting } from "./fixtures.js";

// The batching publisher against one real gateway.

let cluster: Cluster;
let c: HearsayClient;
let greeting: Codec<Greeting>;
const msg = (i: number): Greeting => ({ text: `hello ${i}`, sentAtMs: BigInt(i), tags: [] });

beforeAll(async () => {
  greeting = tsProtoCodec(await tsProtoGreeting(), "sdk.Greeting");
  cluster = await startCluster(["b-g1"]);
  c = cluster.clients[0]!;
});
afterAll(() => cluster?.stop());

describe("publisher", () => {
  it("acknowledges 10,000 digests in order; a subscriber on the same gateway gets each once", async () => {
    const n = 10_000;
    const sub = c.subscribe(greeting);
    await sub.started;
    const pub = c.publisher({ maxBatch: 1000, lingerMs: 2 });
    const acks = Array.from({ length: n }, (_, i) =>
      pub.publish(greeting, msg(i), { headers: { i: String(i) } }),
    );
    const results = await Promise.all(acks);
    expect(pub.pendingCount).toBe(0);
    expect(await pub.close()).toEqual([]);
    for (let i = 1; i < n; i++) expect(results[i]!.sequence).toBe(results[i - 1]!.sequence + 1n);
    const got = (await take(sub, n, 30_000)) as DigestDelivery<Greeting>[];
    sub.close();
    expect(got.map((d) => d.id)).toEqual(results.map((r) => r.id));
    expect(got.every((d, i) => d.message?.text === `hello ${i}` && d.headers.i === String(i))).toBe(true);
  });

  it("flush() sends a partial batch at once and resolves with its results", async () => {
    const pub = c.publisher({ maxBatch: 100, lingerMs: 60_000 });
    const p = [pub.publish(greeting, msg(1)), pub.publish("sdk.Greeting", { json: { text: "j" } })];
    const t0 = Date.now();
    const flushed = await pub.flush();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(flushed.map((r) => r.id)).toEqual((await Promise.all(p)).map((r) => r.id));
    expect(await pub.close()).toEqual([]);
    await expect(pub.publish(greeting, msg(3))).rejects.toThrow(FailedPrecondition);
  });

  it("a refused digest fails its stream: the ones before it stay published, it and later ones are not", async () => {
    const pub = c.publisher({ maxBatch: 4, lingerMs: 1 });
    const p = [
      pub.publish(greeting, msg(1)),
      pub.publish(greeting, msg(2)),
      pub.publish("sdk.Nope", new Uint8Array([1])),
      pub.publish(greeting, msg(4)),
    ];
    const settled = await Promise.allSettled(p);
    const errs = settled.map((s) => (s.status === "rejected" ? (s.reason as HearsayError) : null));
    expect(errs.every((e) => e instanceof NotFound)).toBe(true);
    expect(errs.map((e) => e!.published)).toEqual([true, true, false, false]);
    expect(errs[2]!.message).toMatch(/^digests\[2\]\.type: digest type "sdk.Nope" is not registered/);
    expect(errs[0]!.message).toMatch(/^published: digest 2 of its stream was refused/);
    // The publisher goes on with the next stream.
    expect((await pub.publish(greeting, msg(5))).origin).toBe("b-g1");
    await pub.close();
  });

  it("a steady publisher keeps its stream open: batches are delivered before their stream is acknowledged", async () => {
    const sub = c.subscribe(greeting);
    await sub.started;
    const pub = c.publisher({ lingerMs: 40, maxStreamMs: 60_000 });
    const t0 = performance.now();
    let ackedAt = 0;
    const first = pub.publish(greeting, msg(1)).then(() => (ackedAt = performance.now() - t0));
    // A second digest inside the first linger keeps the stream from going idle.
    await new Promise((r) => setTimeout(r, 20));
    const second = pub.publish(greeting, msg(2));
    const got = await take(sub, 1, 10_000);
    const deliveredAt = performance.now() - t0;
    expect(got).toHaveLength(1);
    expect(ackedAt, "the first batch went out on a stream still open").toBe(0);
    await Promise.all([first, second]);
    // Written after one linger (~40 ms), acknowledged after an idle linger more (~80 ms).
    expect(ackedAt).toBeGreaterThan(deliveredAt);
    sub.close();
    await pub.close();
  });

  it("maxStreamMs bounds how late a steady publisher's acknowledgements come", async () => {
    const pub = c.publisher({ lingerMs: 5, maxStreamMs: 100 });
    const lags: Array<Promise<number>> = [];
    const t0 = performance.now();
    while (performance.now() - t0 < 1_000) {
      const at = performance.now();
      lags.push(pub.publish(greeting, msg(lags.length)).then(() => performance.now() - at));
      await new Promise((r) => setTimeout(r, 2));
    }
    const worst = Math.max(...(await Promise.all(lags)));
    expect(worst).toBeGreaterThan(20); // acknowledged by stream, not per batch
    expect(worst).toBeLessThan(100 + 400); // maxStreamMs + a linger + slack for a busy machine
    await pub.close();
  });

  it("rejects bad input with typed errors before sending", async () => {
    const pub = c.publisher({ maxPending: 2, lingerMs: 1_000 });
    await expect(pub.publish("sdk.Greeting", { nope: 1 } as never)).rejects.toThrow(InvalidArgument);
    await expect(pub.publish("", new Uint8Array())).rejects.toThrow(/type: required/);
    void pub.publish(greeting, msg(1));
    void pub.publish(greeting, msg(2));
    await expect(pub.publish(greeting, msg(3))).rejects.toThrow(ResourceExhausted);
    expect((await pub.close()).length).toBe(2);
    expect(() => c.publisher({ maxBatch: 0 })).toThrow(RangeError);
  });
});

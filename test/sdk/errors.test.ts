import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Codec,
  connect,
  FailedPrecondition,
  type HearsayClient,
  HearsayError,
  InvalidArgument,
  NotFound,
  tsProtoCodec,
  Unavailable,
} from "../../src/sdk/index.js";
import { type Cluster, type Greeting, SDK_PROTO, startCluster, take, tsProtoGreeting } from "./fixtures.js";

// Bad input gets the shared error classes, with a message naming the problem.

let cluster: Cluster;
let c: HearsayClient;
let greeting: Codec<Greeting>;

beforeAll(async () => {
  greeting = tsProtoCodec(await tsProtoGreeting(), "sdk.Greeting");
  cluster = await startCluster(["e-g1"]);
  c = cluster.clients[0]!;
});
afterAll(() => cluster?.stop());

describe("typed errors", () => {
  it("publish: unknown type, undecodable payload, bad JSON, no body", async () => {
    await expect(c.publish("sdk.Missing", new Uint8Array([8, 1]))).rejects.toThrow(NotFound);
    await expect(c.publish("sdk.Missing", new Uint8Array([8, 1]))).rejects.toThrow(
      /"sdk.Missing" is not registered/,
    );
    const bad = c.publish("sdk.Greeting", new Uint8Array([0xff, 0xff, 0xff]));
    await expect(bad).rejects.toThrow(InvalidArgument);
    await expect(bad).rejects.toThrow(/digest\.payload/);
    await expect(c.publish("sdk.Greeting", { json: { text: 5, bogus: true } })).rejects.toThrow(
      InvalidArgument,
    );
    await expect(c.publish("sdk.Greeting", "text" as never)).rejects.toThrow(/body: for type "sdk.Greeting"/);
    await expect(c.publish({} as never, new Uint8Array())).rejects.toThrow(InvalidArgument);
  });

  it("register: broken schema, incompatible change, wrong arguments", async () => {
    const broken = c.registerTypeFromSource("sdk.Broken", "syntax = 'proto3'; message Broken {", "proto");
    await expect(broken).rejects.toThrow(InvalidArgument);
    const incompatible = SDK_PROTO.replace("string text = 1;", "int64 text = 1;");
    const change = c.registerTypeFromSource("sdk.Greeting", { "sdk/greeting.proto": incompatible }, "proto");
    await expect(change).rejects.toThrow(FailedPrecondition);
    await expect(change).rejects.toThrow(/text/);
    await expect(c.registerTypeFromSource("sdk.X", "", "avro" as never)).rejects.toThrow(
      /format: "proto" or "thrift"/,
    );
    await expect(c.registerType({ typeName: "sdk.X" } as never)).rejects.toThrow(InvalidArgument);
    await expect(c.getType("sdk.Missing")).rejects.toThrow(NotFound);
  });

  it("subscribe: an unknown type ends the iterator by throwing NotFound, started rejects too", async () => {
    const sub = c.subscribe(["sdk.Greeting", "sdk.Missing"]);
    await expect(sub.started).rejects.toThrow(NotFound);
    await expect(take(sub, 1, 5_000)).rejects.toThrow(/types: digest type "sdk.Missing" is not registered/);
    const none = c.subscribe([]);
    await expect(take(none, 1, 5_000)).rejects.toThrow(InvalidArgument);
  });

  it("another overlay is NOT_FOUND; every error is a HearsayError with its code name", async () => {
    const other = connect({ address: cluster.gws[0]!.grpc, overlay: "elsewhere" });
    const err = await other.publish(greeting, { text: "x", sentAtMs: 0n, tags: [] }).catch((e: unknown) => e);
    other.close();
    expect(err).toBeInstanceOf(NotFound);
    expect(err).toBeInstanceOf(HearsayError);
    expect((err as HearsayError).codeName).toBe("NOT_FOUND");
  });

  it("a closed client refuses calls and ends its streams", async () => {
    const x = connect({ address: cluster.gws[0]!.grpc });
    const sub = x.subscribe(greeting);
    await sub.started;
    const loop = (async () => {
      let n = 0;
      for await (const _ of sub) n++;
      return n;
    })();
    x.close();
    expect(await loop).toBe(0);
    await expect(x.info()).rejects.toThrow(FailedPrecondition);
    expect(() => x.publisher()).toThrow(FailedPrecondition);
    await expect(take(x.subscribe(greeting), 1, 1_000)).rejects.toThrow(FailedPrecondition);
  });

  it("no gateway: unary calls fail Unavailable; a stream without reconnect throws it, with reconnect it retries", async () => {
    const down = connect({ address: "127.0.0.1:1", callTimeoutMs: 2_000 });
    await expect(down.info()).rejects.toThrow(Unavailable);
    await expect(take(down.subscribe(greeting, { reconnect: false }), 1, 5_000)).rejects.toThrow(Unavailable);
    const retries: number[] = [];
    const ac = new AbortController();
    const sub = down.subscribe(greeting, {
      signal: ac.signal,
      reconnect: { initialDelayMs: 10, maxDelayMs: 40 },
      onRetry: (e, attempt, delay) => {
        expect(e).toBeInstanceOf(Unavailable);
        retries.push(delay);
        if (attempt >= 4) ac.abort();
      },
    });
    expect(await take(sub, 1, 10_000)).toEqual([]);
    expect(retries.length).toBe(4);
    expect(retries.every((d) => d <= 40)).toBe(true);
    down.close();
  });
});

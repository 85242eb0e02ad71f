import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Codec,
  connect,
  cursorFromJson,
  cursorToJson,
  type DigestDelivery,
  type HearsayClient,
  type HearsayError,
  type MemberEvent,
  MemberEventKind,
  tsProtoCodec,
} from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { type Greeting, SDK_PROTO, take, tsProtoGreeting, until } from "./fixtures.js";

// Subscriptions that stop and resume: by hand with a cursor, and by themselves
// when their gateway restarts. Nothing lost, nothing repeated.

const msg = (i: number): Greeting => ({ text: `hello ${i}`, sentAtMs: BigInt(i), tags: [] });
let agents: AgentProcess[] = [];
let clients: HearsayClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  await Promise.all(agents.map((a) => a.stop("SIGKILL")));
  agents = [];
  clients = [];
});

async function start(name: string, args: string[] = []): Promise<AgentProcess> {
  const a = await startAgentProcess(name, ["--profile", "local", ...args]);
  agents.push(a);
  return a;
}
function client(a: AgentProcess): HearsayClient {
  const c = connect({ address: a.grpc });
  clients.push(c);
  return c;
}
async function setup(c: HearsayClient): Promise<Codec<Greeting>> {
  await c.registerType({ typeName: "sdk.Greeting", protoFiles: { "sdk/greeting.proto": SDK_PROTO } });
  return tsProtoCodec(await tsProtoGreeting(), "sdk.Greeting");
}
const texts = (ds: DigestDelivery<Greeting>[]) => ds.map((d) => d.message?.text);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `hello ${a + i}`);

/** Stops an agent and starts it again with the same name, addresses and data dir. */
async function restart(a: AgentProcess, dir: string, args: string[] = []): Promise<AgentProcess> {
  expect(await a.stop("SIGTERM")).toBe(0);
  agents = agents.filter((x) => x !== a);
  return start(a.name, ["--data-dir", dir, "--grpc", a.grpc, "--bind", a.gossip, ...args]);
}

describe("resume with a cursor", () => {
  it("abort ends the loop cleanly; resubscribing from the last cursor gets what was missed, once", async () => {
    const c = client(await start("s-g1"));
    const greeting = await setup(c);
    const ac = new AbortController();
    const sub = c.subscribe(greeting, { signal: ac.signal });
    await sub.started;
    for (let i = 1; i <= 5; i++) await c.publish(greeting, msg(i));
    const first: DigestDelivery<Greeting>[] = [];
    for await (const d of sub) {
      if (d.kind === "digest") first.push(d);
      if (first.length === 5) ac.abort();
    }
    expect(texts(first)).toEqual(range(1, 5));
    const saved = cursorToJson(sub.cursor);
    for (let i = 6; i <= 10; i++) await c.publish(greeting, msg(i));
    const again = c.subscribe(greeting, { resumeFrom: cursorFromJson(saved) });
    const second = (await take(again, 6, 2_000)) as DigestDelivery<Greeting>[];
    again.close();
    expect(texts(second)).toEqual(range(6, 10));
    expect(second[0]!.sequence).toBe(first[4]!.sequence + 1n);
  });

  it("an abort while waiting for digests ends the loop at once", async () => {
    const c = client(await start("s-g2"));
    const greeting = await setup(c);
    const ac = new AbortController();
    const sub = c.subscribe(greeting, { signal: ac.signal });
    await sub.started;
    setTimeout(() => ac.abort(), 200);
    const t0 = Date.now();
    for await (const _ of sub) throw new Error("nothing was published");
    expect(Date.now() - t0).toBeLessThan(2_000);
    const pre = new AbortController();
    pre.abort();
    expect(await take(c.subscribe(greeting, { signal: pre.signal }), 1, 1_000)).toEqual([]);
  });
});

describe("reconnect by itself", () => {
  it("a quiet stream lives on the gateway's keep-alives: no reconnect", async () => {
    const c = client(await start("s-q1"));
    const greeting = await setup(c);
    const retries: HearsayError[] = [];
    // Reopened after 3 silent keep-alive periods + 5 s: 8 s here.
    const sub = c.subscribe(greeting, { keepaliveMs: 1_000, onRetry: (e) => retries.push(e) });
    await sub.started;
    await new Promise((r) => setTimeout(r, 9_000));
    expect(retries).toEqual([]);
    await c.publish(greeting, msg(1));
    expect(texts((await take(sub, 1, 5_000)) as DigestDelivery<Greeting>[])).toEqual(["hello 1"]);
    sub.close();
  }, 30_000);

  it("the subscriber's gateway restarts (--data-dir): the running iterator resumes without loss or repeats", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-sdk-"));
    let g = await start("s-r1", ["--data-dir", dir]);
    const c = client(g);
    const greeting = await setup(c);
    const retries: HearsayError[] = [];
    const sub = c.subscribe(greeting, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
      onRetry: (e) => retries.push(e),
    });
    const events: MemberEvent[] = [];
    const watch = c.watchMembers({
      includeCurrent: true,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    void (async () => {
      for await (const e of watch) events.push(e);
    })();
    await sub.started;
    for (let i = 1; i <= 3; i++) await c.publish(greeting, msg(i));
    const got = (await take(sub, 3, 5_000)) as DigestDelivery<Greeting>[];
    expect(texts(got)).toEqual(range(1, 3));

    g = await restart(g, dir);
    await until(async () => (await c.info().catch(() => null)) !== null, 10_000, "gateway back");
    for (let i = 4; i <= 6; i++) await c.publish(greeting, msg(i));
    await take(sub, 6, 15_000, got);
    expect(texts(got)).toEqual(range(1, 6));
    expect(got.map((d) => d.sequence)).toEqual(
      [1n, 2n, 3n, 4n, 5n, 6n].map((s) => got[0]!.sequence + s - 1n),
    );
    expect(retries.length).toBeGreaterThanOrEqual(1);
    // No repeats arrive later either.
    expect(await take(sub, 1, 500)).toEqual([]);
    sub.close();
    // The member watch reconnected too and re-synced with CURRENT events, each time ended by SNAPSHOT_END.
    const kinds = (k: MemberEventKind) => events.filter((e) => e.kind === k).length;
    await until(() => kinds(MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END) >= 2, 10_000, "re-sync");
    expect(kinds(MemberEventKind.MEMBER_EVENT_KIND_CURRENT)).toBeGreaterThanOrEqual(2);
    watch.close();
  }, 60_000);

  it("the same across gateways: digests published elsewhere while the subscriber's gateway was down arrive", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-sdk-"));
    const seed = await start("s-x1");
    let g = await start("s-x2", ["--join", seed.gossip, "--data-dir", dir]);
    const pub = client(seed);
    const greeting = await setup(pub);
    const c = client(g);
    await until(async () => (await c.listTypes("sdk.")).length === 1, 10_000, "type at s-x2");
    const sub = c.subscribe(greeting, {
      start: "earliest",
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    });
    await sub.started;
    for (let i = 1; i <= 3; i++) await pub.publish(greeting, msg(i));
    const got = (await take(sub, 3, 15_000)) as DigestDelivery<Greeting>[];
    expect(texts(got)).toEqual(range(1, 3));
    const stopped = g.stop("SIGTERM");
    agents = agents.filter((x) => x !== g);
    await stopped;
    for (let i = 4; i <= 6; i++) await pub.publish(greeting, msg(i));
    g = await start("s-x2", ["--join", seed.gossip, "--data-dir", dir, "--grpc", g.grpc, "--bind", g.gossip]);
    for (let i = 7; i <= 9; i++) await pub.publish(greeting, msg(i));
    await take(sub, 9, 30_000, got);
    expect(texts(got)).toEqual(range(1, 9));
    expect(await take(sub, 1, 500)).toEqual([]);
    sub.close();
  }, 60_000);
});

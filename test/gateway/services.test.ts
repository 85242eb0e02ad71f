import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  InvalidArgument,
  NotFound,
  ResourceExhausted,
  type ServiceEvent,
  ServiceEventKind,
  ServiceHealth,
} from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { thriftClient } from "../support/thrift-client.js";

let a1: AgentProcess;
let a2: AgentProcess;
let a3: AgentProcess;

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

beforeAll(async () => {
  a1 = await startAgentProcess("s-a1", ["--profile", "local"]);
  [a2, a3] = await Promise.all([
    startAgentProcess("s-a2", ["--profile", "local", "--join", a1.gossip]),
    startAgentProcess("s-a3", ["--profile", "local", "--join", a1.gossip]),
  ]);
  const c = connect({ address: a1.grpc });
  await until("3 members", async () => (await c.members()).length === 3);
  c.close();
}, 30_000);
afterAll(async () => {
  await Promise.all([a1.stop(), a2.stop(), a3.stop()]);
});

/** Collects a watch's events in the background. */
function collect(w: AsyncIterable<ServiceEvent>): ServiceEvent[] {
  const out: ServiceEvent[] = [];
  void (async () => {
    for await (const e of w) out.push(e);
  })().catch(() => {});
  return out;
}

describe("services over gRPC, across 3 gateways", () => {
  it("register on one gateway, list and watch on the others; deregister leaves everywhere", async () => {
    const c1 = connect({ address: a1.grpc });
    const c3 = connect({ address: a3.grpc });
    const events = collect(c3.watchServices("zk", { includeCurrent: true }));
    const reg = await c1.registerService({ name: "zk", port: 2181, tags: { dc: "one" } });
    expect(reg.service).toMatchObject({
      name: "zk",
      id: "s-a1:zk:2181",
      node: "s-a1",
      address: "127.0.0.1",
      port: 2181,
      tags: { dc: "one" },
      health: ServiceHealth.SERVICE_HEALTH_PASSING,
    });
    await c1.registerService({ name: "zk", port: 2182, id: "zk-b", address: "10.9.9.9" });
    for (const a of [a2, a3]) {
      const c = connect({ address: a.grpc });
      await until(`zk on ${a.name}`, async () => (await c.services("zk")).length === 2);
      expect((await c.services("zk")).map((s) => [s.id, s.address, s.port])).toEqual([
        ["s-a1:zk:2181", "127.0.0.1", 2181],
        ["zk-b", "10.9.9.9", 2182],
      ]);
      expect((await c.services("", { tags: { dc: "one" } })).map((s) => s.id)).toEqual(["s-a1:zk:2181"]);
      expect(await c.services("nothing")).toEqual([]);
      c.close();
    }
    await until("two REGISTERED events", async () => events.length >= 3);
    // Nothing registered when the watch began: the snapshot end came at once, empty.
    expect(events.map((e) => e.kind)).toEqual([
      ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END,
      ServiceEventKind.SERVICE_EVENT_KIND_REGISTERED,
      ServiceEventKind.SERVICE_EVENT_KIND_REGISTERED,
    ]);
    expect(events[0]).toMatchObject({ instance: undefined, instances: [] });
    expect(events[2]!.instances.map((s) => s.id)).toEqual(["s-a1:zk:2181", "zk-b"]);

    expect(await reg.deregister()).toBe(true);
    expect(await c1.deregisterService("zk", "s-a1:zk:2181")).toBe(false);
    await until("DEREGISTERED on a3", async () => events.length >= 4);
    expect(events[3]).toMatchObject({ kind: ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED });
    expect(events[3]!.instances.map((s) => s.id)).toEqual(["zk-b"]);
    expect(await c1.deregisterService("zk", "zk-b")).toBe(true);
    c1.close();
    c3.close();
  });

  it("a TTL instance kept alive by the SDK stays passing; one left alone turns critical and expires", async () => {
    const c1 = connect({ address: a1.grpc });
    const c2 = connect({ address: a2.grpc });
    const kept = await c1.registerService({ name: "ttl", port: 1, ttlMs: 600 });
    // A bare registration without heartbeats: register once and stop.
    (await c1.registerService({ name: "ttl", port: 2, ttlMs: 600 })).close();
    await until("port 2 critical on a2", async () =>
      (await c2.services("ttl")).some(
        (s) => s.port === 2 && s.health === ServiceHealth.SERVICE_HEALTH_CRITICAL,
      ),
    );
    expect((await c2.services("ttl", { passingOnly: true })).map((s) => s.port)).toEqual([1]);
    // Removed after the 5 s grace; the kept one is still passing.
    await until("port 2 expired on a2", async () => (await c2.services("ttl")).length === 1, 15_000);
    expect((await c2.services("ttl"))[0]).toMatchObject({
      port: 1,
      health: ServiceHealth.SERVICE_HEALTH_PASSING,
    });
    await kept.deregister();
    c1.close();
    c2.close();
  }, 30_000);

  it("refuses bad registrations naming the field, and keeps serving", async () => {
    const c = connect({ address: a1.grpc });
    const bad: Array<[Parameters<typeof c.registerService>[0], RegExp, new (...a: never[]) => Error]> = [
      [{ name: "", port: 1 }, /^name: required/, InvalidArgument],
      [{ name: "has space", port: 1 }, /^name: /, InvalidArgument],
      [{ name: "x", port: 0 }, /^port: must be 1-65535/, InvalidArgument],
      [{ name: "x", port: 70000 }, /^port: /, InvalidArgument],
      [{ name: "x", port: 1, ttlMs: 10 }, /^ttl_ms: /, InvalidArgument],
      [{ name: "x", port: 1, address: "no spaces please" }, /^address: /, InvalidArgument],
      [
        {
          name: "x",
          port: 1,
          tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"])),
        },
        /^tags: at most 32 tags/,
        ResourceExhausted,
      ],
    ];
    for (const [spec, message, cls] of bad) {
      const err = await c.registerService(spec).catch((e: Error) => e);
      expect(err, JSON.stringify(spec)).toBeInstanceOf(cls);
      expect((err as Error).message).toMatch(message);
    }
    await expect(c.deregisterService("x", "")).rejects.toThrow(/^id: required/);
    await expect(c.deregisterService("", "y")).rejects.toThrow(/^name: required/);
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    await expect(c.services("", { tags: tooMany })).rejects.toThrow(ResourceExhausted);
    const other = connect({ address: a1.grpc, overlay: "elsewhere" });
    await expect(other.services()).rejects.toThrow(NotFound);
    other.close();
    expect((await c.info()).features).toContain("services");
    c.close();
  });
});

describe("services over Thrift", () => {
  it("register, list, watch by long-poll, deregister; member watches too", async () => {
    const { client, close } = thriftClient(a2.thrift!);
    const watchId = (await client.watchServices!("", {
      overlay: "",
      name: "kafka",
      includeCurrent: true,
    })) as string;
    const s = (await client.registerService!("", {
      overlay: "",
      name: "kafka",
      id: "",
      address: "",
      port: 9092,
      tags: { v: "3" },
      ttlMs: 0,
    })) as { id: string; node: string; health: number };
    expect(s).toMatchObject({ id: "s-a2:kafka:9092", node: "s-a2", health: 1 });
    const listed = (await client.listServices!("", {
      overlay: "",
      name: "kafka",
      passingOnly: true,
      tags: {},
    })) as Array<{
      id: string;
    }>;
    expect(listed.map((x) => x.id)).toEqual(["s-a2:kafka:9092"]);
    const events = (await client.pollServices!("", watchId, 10, 2000)) as Array<{
      kind: number;
      instances: unknown[];
    }>;
    // SNAPSHOT_END (6) of the empty current set, then REGISTERED (2).
    expect(events.map((e) => e.kind)).toEqual([6, 2]);
    expect(events[0]!.instances).toHaveLength(0);
    expect(events[1]!.instances).toHaveLength(1);
    expect(await client.deregisterService!("", "", "kafka", "s-a2:kafka:9092")).toBe(true);
    const more = (await client.pollServices!("", watchId, 10, 2000)) as Array<{ kind: number }>;
    expect(more.map((e) => e.kind)).toEqual([4]);
    await client.unsubscribe!("", watchId);
    await expect(client.pollServices!("", watchId, 10, 0)).rejects.toMatchObject({ code: 5 });

    const memberWatch = (await client.watchMembers!("", {
      overlay: "",
      includeCurrent: true,
      tags: {},
    })) as string;
    const current = (await client.pollMembers!("", memberWatch, 10, 1000)) as Array<{
      kind: number;
      member: { name: string } | null;
    }>;
    expect(
      current
        .slice(0, 3)
        .map((e) => [e.kind, e.member?.name])
        .sort(),
    ).toEqual([
      [1, "s-a1"],
      [1, "s-a2"],
      [1, "s-a3"],
    ]);
    // Then SNAPSHOT_END (9), about no member.
    expect(current.slice(3).map((e) => [e.kind, e.member ?? null])).toEqual([[9, null]]);
    await client.unsubscribe!("", memberWatch);
    close();
  });

  it("answers bad input with the shared codes", async () => {
    const { client, close } = thriftClient(a2.thrift!);
    const req = { overlay: "", name: "k", id: "", address: "", port: 0, tags: {}, ttlMs: 0 };
    await expect(client.registerService!("", req)).rejects.toMatchObject({ code: 3, message: /^port: / });
    await expect(client.registerService!("", { ...req, port: 1, name: "" })).rejects.toMatchObject({
      code: 3,
      message: /^name: required/,
    });
    await expect(client.registerService!("", { ...req, port: 1, ttlMs: -5 })).rejects.toMatchObject({
      code: 3,
    });
    await expect(client.registerService!("", { ...req, port: 1, overlay: "nope" })).rejects.toMatchObject({
      code: 5,
    });
    await expect(client.deregisterService!("", "", "k", "")).rejects.toMatchObject({ code: 3 });
    await expect(client.pollMembers!("", "no-such-watch", 1, 0)).rejects.toMatchObject({ code: 5 });
    // Still serving.
    expect(await client.listServices!("", { overlay: "", name: "", passingOnly: false, tags: {} })).toEqual(
      [],
    );
    close();
  });
});

describe("a failed node's services", () => {
  it("expire on every other gateway within the failure-detection bound", async () => {
    const c2 = connect({ address: a2.grpc });
    await c2.registerService({ name: "doomed", port: 7 });
    const c1 = connect({ address: a1.grpc });
    const events = collect(c1.watchServices("doomed"));
    await until("doomed on a1", async () => (await c1.services("doomed")).length === 1);
    c2.close();
    const t0 = Date.now();
    await a2.stop("SIGKILL");
    await until("doomed gone on a1", async () => (await c1.services("doomed")).length === 0, 20_000);
    const tookMs = Date.now() - t0;
    const c3 = connect({ address: a3.grpc });
    await until("doomed gone on a3", async () => (await c3.services("doomed")).length === 0, 5_000);
    const expired = () => events.find((e) => e.kind === ServiceEventKind.SERVICE_EVENT_KIND_EXPIRED);
    await until("EXPIRED event", async () => expired() !== undefined);
    expect(events[0]!.kind).toBe(ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END);
    expect(expired()).toMatchObject({ instances: [] });
    // local profile: suspicion timeout of a few probe intervals plus detection.
    expect(tookMs).toBeLessThan(15_000);
    c1.close();
    c3.close();
  }, 40_000);
});

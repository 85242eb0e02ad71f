import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import {
  type MemberEvent,
  MemberEventKind,
  type ServiceEvent,
  ServiceEventKind,
} from "../../src/gen/proto/hearsay/v1/types.js";
import { connect } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { thriftClient } from "../support/thrift-client.js";

// End-of-snapshot on WatchMembers and WatchServices: CURRENT events (when asked for), then
// exactly one SNAPSHOT_END about nothing, then live events; an empty current set too.

let a1: AgentProcess;
let a2: AgentProcess;
let stub: GatewayClient;
beforeAll(async () => {
  a1 = await startAgentProcess("ws-a1", ["--profile", "local", "--tag", "role=seed"]);
  a2 = await startAgentProcess("ws-a2", ["--profile", "local", "--join", a1.gossip, "--tag", "role=worker"]);
  const c = connect({ address: a1.grpc });
  for (let i = 0; i < 100 && (await c.members()).length < 2; i++)
    await new Promise((r) => setTimeout(r, 100));
  c.close();
  stub = new GatewayClient(a1.grpc, grpc.credentials.createInsecure());
}, 30_000);
afterAll(async () => {
  stub.close();
  await Promise.all([a1.stop(), a2.stop()]);
});

/** A gRPC server stream's events as they come, with a wait for the first `n`. */
function gather<T>(call: grpc.ClientReadableStream<T>): { events: T[]; first(n: number): Promise<T[]> } {
  const events: T[] = [];
  call.on("data", (e: T) => events.push(e));
  call.on("error", () => {});
  return {
    events,
    async first(n) {
      for (let t = 0; events.length < n && t < 5_000; t += 20) await new Promise((r) => setTimeout(r, 20));
      return events.slice(0, n);
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe("WatchMembers over gRPC", () => {
  it("CURRENT per member, then one SNAPSHOT_END without a member, then live events", async () => {
    const call = stub.watchMembers({ overlay: "", includeCurrent: true, tags: {} });
    const w = gather<MemberEvent>(call);
    const start = await w.first(3);
    expect(
      start
        .slice(0, 2)
        .map((e) => [e.kind, e.member?.name])
        .sort(),
    ).toEqual([
      [MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "ws-a1"],
      [MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "ws-a2"],
    ]);
    expect(start[2]).toMatchObject({
      kind: MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END,
      member: undefined,
    });
    expect(start[2]!.timeMs).toBeGreaterThan(0n);
    await settle();
    expect(w.events).toHaveLength(3); // exactly one SNAPSHOT_END, nothing else without a change
    call.cancel();
  });

  it("an empty current set (tag filter matching nobody) is SNAPSHOT_END alone", async () => {
    const call = stub.watchMembers({ overlay: "", includeCurrent: true, tags: { role: "nobody" } });
    const w = gather<MemberEvent>(call);
    expect((await w.first(1)).map((e) => [e.kind, e.member])).toEqual([
      [MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END, undefined],
    ]);
    await settle();
    expect(w.events).toHaveLength(1);
    call.cancel();
  });

  it("without include_current SNAPSHOT_END comes first, then live events", async () => {
    const call = stub.watchMembers({ overlay: "", includeCurrent: false, tags: {} });
    const w = gather<MemberEvent>(call);
    expect((await w.first(1)).map((e) => e.kind)).toEqual([MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END]);
    const a3 = await startAgentProcess("ws-a3", ["--profile", "local", "--join", a1.gossip]);
    for (let t = 0; t < 10_000 && w.events.length < 2; t += 50) await new Promise((r) => setTimeout(r, 50));
    expect(w.events[1]).toMatchObject({
      kind: MemberEventKind.MEMBER_EVENT_KIND_JOIN,
      member: { name: "ws-a3" },
    });
    expect(w.events.filter((e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END)).toHaveLength(1);
    call.cancel();
    await a3.stop();
  }, 20_000);
});

describe("WatchServices over gRPC", () => {
  it("CURRENT per instance, then SNAPSHOT_END carrying the passing instances, then changes", async () => {
    const c = connect({ address: a1.grpc });
    const a = await c.registerService({ name: "wsdb", port: 6001 });
    const b = await c.registerService({ name: "wsdb", port: 6002, id: "wsdb-b" });
    const call = stub.watchServices({ overlay: "", name: "wsdb", includeCurrent: true });
    const w = gather<ServiceEvent>(call);
    const start = await w.first(3);
    expect(start.map((e) => [e.kind, e.instance?.id])).toEqual([
      [ServiceEventKind.SERVICE_EVENT_KIND_CURRENT, "ws-a1:wsdb:6001"],
      [ServiceEventKind.SERVICE_EVENT_KIND_CURRENT, "wsdb-b"],
      [ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END, undefined],
    ]);
    expect(start[2]!.instances.map((s) => s.port)).toEqual([6001, 6002]);
    await b.deregister();
    const after = await w.first(4);
    expect(after[3]).toMatchObject({
      kind: ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED,
      instance: { id: "wsdb-b" },
    });
    await a.deregister();
    call.cancel();
    c.close();
  });

  it("an empty set, a named watch and a watch of everything: SNAPSHOT_END alone, no instances", async () => {
    for (const name of ["ws-nothing", ""]) {
      for (const includeCurrent of [true, false]) {
        const call = stub.watchServices({ overlay: "", name, includeCurrent });
        const w = gather<ServiceEvent>(call);
        const first = await w.first(1);
        expect(first, `${name || "*"} ${includeCurrent}`).toEqual([
          expect.objectContaining({
            kind: ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END,
            instance: undefined,
            instances: [],
          }),
        ]);
        await settle();
        expect(w.events).toHaveLength(1);
        call.cancel();
      }
    }
  });
});

describe("watches over Thrift", () => {
  type ThriftMemberEvent = { kind: number; member: { name: string } | null };
  type ThriftServiceEvent = {
    kind: number;
    instance: { id: string } | null;
    instances: Array<{ id: string }>;
  };

  it("pollMembers: CURRENT per member, then SNAPSHOT_END (9) with no member; empty set alone", async () => {
    const { client, close } = thriftClient(a1.thrift!);
    const all = (await client.watchMembers!("", { overlay: "", includeCurrent: true, tags: {} })) as string;
    const events = (await client.pollMembers!("", all, 10, 2_000)) as ThriftMemberEvent[];
    // Every known member (ws-a3 of the test above is still known, as left), then the end.
    const current = events.slice(0, -1);
    expect(current.every((e) => e.kind === 1)).toBe(true);
    expect(current.map((e) => e.member?.name)).toEqual(expect.arrayContaining(["ws-a1", "ws-a2"]));
    expect(events.slice(-1).map((e) => [e.kind, e.member ?? null])).toEqual([[9, null]]);
    await client.unsubscribe!("", all);

    const none = (await client.watchMembers!("", {
      overlay: "",
      includeCurrent: true,
      tags: { role: "nobody" },
    })) as string;
    const empty = (await client.pollMembers!("", none, 10, 2_000)) as ThriftMemberEvent[];
    expect(empty.map((e) => [e.kind, e.member ?? null])).toEqual([[9, null]]);
    expect(await client.pollMembers!("", none, 10, 200)).toEqual([]);
    await client.unsubscribe!("", none);

    const live = (await client.watchMembers!("", { overlay: "", includeCurrent: false, tags: {} })) as string;
    expect(
      ((await client.pollMembers!("", live, 10, 2_000)) as ThriftMemberEvent[]).map((e) => e.kind),
    ).toEqual([9]);
    await client.unsubscribe!("", live);
    close();
  });

  it("pollServices: CURRENT, SNAPSHOT_END (6) with the passing instances, then changes; empty set alone", async () => {
    const { client, close } = thriftClient(a2.thrift!);
    const empty = (await client.watchServices!("", {
      overlay: "",
      name: "wsq",
      includeCurrent: true,
    })) as string;
    const first = (await client.pollServices!("", empty, 10, 2_000)) as ThriftServiceEvent[];
    expect(first.map((e) => [e.kind, e.instance ?? null, e.instances])).toEqual([[6, null, []]]);

    const req = { overlay: "", name: "wsq", id: "", address: "", port: 7001, tags: {}, ttlMs: 0 };
    await client.registerService!("", req);
    const reg = (await client.pollServices!("", empty, 10, 2_000)) as ThriftServiceEvent[];
    expect(reg.map((e) => e.kind)).toEqual([2]);
    await client.unsubscribe!("", empty);

    const full = (await client.watchServices!("", {
      overlay: "",
      name: "wsq",
      includeCurrent: true,
    })) as string;
    const start = (await client.pollServices!("", full, 10, 2_000)) as ThriftServiceEvent[];
    expect(start.map((e) => [e.kind, e.instance?.id ?? null])).toEqual([
      [1, "ws-a2:wsq:7001"],
      [6, null],
    ]);
    expect(start[1]!.instances.map((s) => s.id)).toEqual(["ws-a2:wsq:7001"]);
    expect(await client.deregisterService!("", "", "wsq", "ws-a2:wsq:7001")).toBe(true);
    const gone = (await client.pollServices!("", full, 10, 2_000)) as ThriftServiceEvent[];
    expect(gone.map((e) => e.kind)).toEqual([4]);
    await client.unsubscribe!("", full);
    close();
  });
});

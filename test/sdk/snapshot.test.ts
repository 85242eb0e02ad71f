import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  type MemberEvent,
  MemberEventKind,
  type ServiceEvent,
  ServiceEventKind,
} from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";

let agent: AgentProcess;
beforeAll(async () => {
  agent = await startAgentProcess("snap-a1", ["--profile", "local", "--tag", "role=seed"]);
});
afterAll(async () => {
  await agent.stop();
});

/** The next `n` events of an iterator, or fewer when it ends. */
async function next<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe("watch snapshots (TypeScript SDK)", () => {
  it("watchMembers: snapshot() is the current members; iteration goes on with live events", async () => {
    const c = connect({ address: agent.grpc });
    const w = c.watchMembers({ includeCurrent: true });
    expect((await w.snapshot()).map((m) => [m.name, m.tags.role])).toEqual([["snap-a1", "seed"]]);
    expect(await w.snapshot()).toHaveLength(1); // the same answer again
    w.close();
    const it = w[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: true, value: undefined });
    c.close();
  });

  it("an empty current set is told apart from 'not yet': snapshot() is [] and SNAPSHOT_END arrives", async () => {
    const c = connect({ address: agent.grpc });
    const w = c.watchMembers({ includeCurrent: true, tags: { role: "nobody" } });
    expect(await w.snapshot()).toEqual([]);
    w.close();
    const raw = c.watchMembers({ includeCurrent: true, tags: { role: "nobody" } });
    const first: MemberEvent[] = await next(raw[Symbol.asyncIterator](), 1);
    expect(first.map((e) => [e.kind, e.member])).toEqual([
      [MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END, undefined],
    ]);
    raw.close();
    c.close();
  });

  it("watchServices: CURRENT events, SNAPSHOT_END, then live ones; snapshot() reads up to the end", async () => {
    const c = connect({ address: agent.grpc });
    const a = await c.registerService({ name: "snapdb", port: 5001 });
    const b = await c.registerService({ name: "snapdb", port: 5002, id: "db-b" });
    const raw = c.watchServices("snapdb", { includeCurrent: true });
    const it = raw[Symbol.asyncIterator]();
    const start: ServiceEvent[] = await next(it, 3);
    expect(start.map((e) => [e.kind, e.instance?.id])).toEqual([
      [ServiceEventKind.SERVICE_EVENT_KIND_CURRENT, "db-b"],
      [ServiceEventKind.SERVICE_EVENT_KIND_CURRENT, "snap-a1:snapdb:5001"],
      [ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END, undefined],
    ]);
    expect(start[2]!.instances.map((s) => s.id)).toEqual(["db-b", "snap-a1:snapdb:5001"]);

    const w = c.watchServices("snapdb", { includeCurrent: true });
    expect((await w.snapshot()).map((s) => s.port)).toEqual([5002, 5001]);
    await b.deregister();
    const live = await next(w[Symbol.asyncIterator](), 1);
    expect(live.map((e) => [e.kind, e.instance?.id])).toEqual([
      [ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED, "db-b"],
    ]);
    expect((await next(it, 1)).map((e) => e.kind)).toEqual([
      ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED,
    ]);
    await a.deregister();
    w.close();
    raw.close();
    c.close();
  });

  it("without includeCurrent the watch starts with SNAPSHOT_END: snapshot() is [] at once", async () => {
    const c = connect({ address: agent.grpc });
    const w = c.watchServices("snap-none");
    expect(await w.snapshot()).toEqual([]);
    const raw = c.watchServices("");
    const first: ServiceEvent[] = await next(raw[Symbol.asyncIterator](), 1);
    expect(first.map((e) => [e.kind, e.instances])).toEqual([
      [ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END, []],
    ]);
    w.close();
    raw.close();
    c.close();
  });

  it("snapshot() while a loop iterates resolves as the loop passes the end; on a closed watch it rejects", async () => {
    const c = connect({ address: agent.grpc });
    const w = c.watchMembers({ includeCurrent: true });
    const it = w[Symbol.asyncIterator]();
    const first = await next(it, 1);
    expect(first.map((e) => e.kind)).toEqual([MemberEventKind.MEMBER_EVENT_KIND_CURRENT]);
    const snap = w.snapshot();
    expect((await next(it, 1)).map((e) => e.kind)).toEqual([MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END]);
    expect((await snap).map((m) => m.name)).toEqual(["snap-a1"]);
    w.close();
    const closed = c.watchMembers({ includeCurrent: true });
    closed.close();
    await expect(closed.snapshot()).rejects.toThrow(/ended before/);
    c.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type MemberEvent, MemberEventKind, MemberStatus } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { until } from "./fixtures.js";

let agents: AgentProcess[] = [];
beforeAll(async () => {
  agents = [await startAgentProcess("w-a1", ["--profile", "local", "--tag", "role=seed"])];
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
});

describe("watchMembers", () => {
  it("yields the current members, then a join; abort ends the loop", async () => {
    const c = connect({ address: agents[0]!.grpc });
    const ac = new AbortController();
    const events: MemberEvent[] = [];
    const loop = (async () => {
      for await (const e of c.watchMembers({ includeCurrent: true, signal: ac.signal })) events.push(e);
      return "ended";
    })();
    const seen = (kind: MemberEventKind, name: string) =>
      events.some((e) => e.kind === kind && e.member?.name === name);
    await until(() => seen(MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "w-a1"), 5_000, "CURRENT w-a1");
    agents.push(await startAgentProcess("w-a2", ["--profile", "local", "--join", agents[0]!.gossip]));
    await until(() => seen(MemberEventKind.MEMBER_EVENT_KIND_JOIN, "w-a2"), 10_000, "JOIN w-a2");
    const join = events.find((e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_JOIN)!;
    expect(join.member?.status).toBe(MemberStatus.MEMBER_STATUS_ALIVE);
    ac.abort();
    expect(await loop).toBe("ended");
    expect((await c.members()).map((m) => m.name)).toEqual(["w-a1", "w-a2"]);
    c.close();
  });

  it("filters by tag and ends when the client closes", async () => {
    const c = connect({ address: agents[0]!.grpc });
    const events: MemberEvent[] = [];
    const loop = (async () => {
      for await (const e of c.watchMembers({ includeCurrent: true, tags: { role: "seed" } })) events.push(e);
    })();
    await until(() => events.length >= 2, 5_000, "CURRENT and SNAPSHOT_END");
    c.close();
    await loop;
    expect(events.map((e) => [e.kind, e.member?.name])).toEqual([
      [MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "w-a1"],
      [MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END, undefined],
    ]);
  });
});

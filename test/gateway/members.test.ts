import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { type MemberEvent, MemberEventKind, MemberStatus } from "../../src/gen/proto/hearsay/v1/types.js";
import { connect, InvalidArgument, NotFound, ResourceExhausted } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { thriftClient } from "../support/thrift-client.js";

let a1: AgentProcess;
let a2: AgentProcess;
beforeAll(async () => {
  a1 = await startAgentProcess("m-a1", ["--profile", "local", "--tag", "role=seed"]);
  a2 = await startAgentProcess("m-a2", ["--profile", "local", "--join", a1.gossip, "--tag", "role=worker"]);
  const c = connect({ address: a1.grpc });
  for (let i = 0; i < 50 && (await c.members()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  c.close();
});
afterAll(async () => {
  await Promise.all([a1.stop(), a2.stop()]);
});

describe("ListMembers", () => {
  it("lists every member with tags, filtered by status and tags", async () => {
    const c = connect({ address: a1.grpc });
    const all = await c.members();
    expect(all.map((m) => [m.name, m.status, m.tags.role])).toEqual([
      ["m-a1", MemberStatus.MEMBER_STATUS_ALIVE, "seed"],
      ["m-a2", MemberStatus.MEMBER_STATUS_ALIVE, "worker"],
    ]);
    expect(all[1]!.address).toBe(a2.gossip);
    expect((await c.members({ tags: { role: "worker" } })).map((m) => m.name)).toEqual(["m-a2"]);
    expect(await c.members({ statuses: [MemberStatus.MEMBER_STATUS_DEAD] })).toEqual([]);
    await expect(c.members({ statuses: [99 as MemberStatus] })).rejects.toThrow(InvalidArgument);
    await expect(c.members({ statuses: [99 as MemberStatus] })).rejects.toThrow(
      /statuses: unknown status 99/,
    );
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    await expect(c.members({ tags: tooMany })).rejects.toThrow(ResourceExhausted);
    c.close();
    const other = connect({ address: a1.grpc, overlay: "other" });
    await expect(other.members()).rejects.toThrow(NotFound);
    other.close();
  });

  it("answers over Thrift the same way", async () => {
    const { client, close } = thriftClient(a1.thrift!);
    const members = (await client.listMembers!("", { overlay: "", statuses: [], tags: {} })) as Array<{
      name: string;
      status: number;
      incarnation: { toNumber(): number };
    }>;
    expect(members.map((m) => [m.name, m.status])).toEqual([
      ["m-a1", 1],
      ["m-a2", 1],
    ]);
    await expect(client.listMembers!("", { overlay: "", statuses: [42], tags: {} })).rejects.toMatchObject({
      code: 3,
    });
    close();
  });
});

describe("WatchMembers", () => {
  it("streams the current members, then join, suspect and fail of a new node", async () => {
    const stub = new GatewayClient(a1.grpc, grpc.credentials.createInsecure());
    const events: MemberEvent[] = [];
    const call = stub.watchMembers({ overlay: "", includeCurrent: true, tags: {} });
    call.on("data", (e: MemberEvent) => events.push(e));
    call.on("error", () => {});
    const seen = (kind: MemberEventKind, name: string) =>
      events.some((e) => e.kind === kind && e.member?.name === name);
    const waitFor = async (kind: MemberEventKind, name: string, ms: number) => {
      for (let t = 0; t < ms && !seen(kind, name); t += 100) await new Promise((r) => setTimeout(r, 100));
      expect(seen(kind, name), `${MemberEventKind[kind]} of ${name}`).toBe(true);
    };
    await waitFor(MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "m-a2", 3_000);
    expect(seen(MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "m-a1")).toBe(true);

    const a3 = await startAgentProcess("m-a3", ["--profile", "local", "--join", a1.gossip]);
    await waitFor(MemberEventKind.MEMBER_EVENT_KIND_JOIN, "m-a3", 5_000);
    await a3.stop("SIGKILL");
    await waitFor(MemberEventKind.MEMBER_EVENT_KIND_SUSPECT, "m-a3", 10_000);
    await waitFor(MemberEventKind.MEMBER_EVENT_KIND_FAIL, "m-a3", 15_000);
    const fail = events.find((e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_FAIL)!;
    expect(fail.member!.status).toBe(MemberStatus.MEMBER_STATUS_DEAD);
    call.cancel();
    stub.close();
  });

  it("refuses a watch of an overlay it does not serve", async () => {
    const stub = new GatewayClient(a1.grpc, grpc.credentials.createInsecure());
    const call = stub.watchMembers({ overlay: "nope", includeCurrent: false, tags: {} });
    const err = await new Promise<grpc.ServiceError>((resolve) => call.on("error", resolve));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    stub.close();
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type SetTagsRequest } from "../../src/gen/proto/hearsay/v1/admin.js";
import { connect, type MemberEvent, MemberEventKind } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { runCli, until } from "./run-cli.js";

const ADMIN = "admin-token-0123456789";
const USER = "user-token-0123456789";
let a1: AgentProcess;
let a2: AgentProcess;
let guarded: AgentProcess;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "hearsay-tags-"));
  const config = join(dir, "hearsay.yaml");
  writeFileSync(
    config,
    [
      "profile: local",
      "tokens:",
      `  - { name: ops, token: ${ADMIN}, admin: true }`,
      `  - { name: app, token: ${USER}, publish: ["*"], subscribe: ["*"] }`,
    ].join("\n"),
  );
  [a1, guarded] = await Promise.all([
    startAgentProcess("tags-1", ["--profile", "local", "--tag", "role=db"]),
    startAgentProcess("tags-guarded", ["--config", config]),
  ]);
  a2 = await startAgentProcess("tags-2", ["--profile", "local", "--join", a1.gossip]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a1?.stop(), a2?.stop(), guarded?.stop()]);
});

/** One SetTags call straight over gRPC: what any SDK would send. */
function setTags(agent: AgentProcess, req: Partial<SetTagsRequest>): Promise<grpc.ServiceError | null> {
  const stub = new AdminClient(agent.grpc, grpc.credentials.createInsecure());
  const full = { overlay: "", set: {}, deleteKeys: [], ...req };
  return new Promise((resolve) =>
    stub.setTags(full, (err) => {
      stub.close();
      resolve(err);
    }),
  );
}

describe("hearsay tags: member tags at runtime", () => {
  it("set and delete on gateway 1 show in gateway 2's members list and as UPDATE events there", async () => {
    const c2 = connect({ address: a2.grpc });
    await until(async () => (await c2.members()).length === 2, 15_000, "2 members");
    const events: MemberEvent[] = [];
    const ac = new AbortController();
    void (async () => {
      for await (const e of c2.watchMembers({ signal: ac.signal })) events.push(e);
    })().catch(() => {});
    await new Promise((r) => setTimeout(r, 300)); // the watch is open
    const tagsOf = async () => (await c2.members()).find((m) => m.name === "tags-1")?.tags;
    const updates = () =>
      events.filter(
        (e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_UPDATE && e.member?.name === "tags-1",
      );

    const set = await runCli(["tags", "set", "zone=z1", "rack=r2", "--json", "--agent", a1.grpc]);
    expect(set.stderr).toBe("");
    expect(JSON.parse(set.stdout)).toEqual({
      node: "tags-1",
      tags: { role: "db", zone: "z1", rack: "r2" },
      changed: true,
    });
    await until(async () => (await tagsOf())?.zone === "z1", 10_000, "zone=z1 on gateway 2");
    expect(await tagsOf()).toEqual({ role: "db", zone: "z1", rack: "r2" });
    await until(async () => updates().length >= 1, 5_000, "an UPDATE event");
    expect(updates()[0]!.member!.tags).toEqual({ role: "db", zone: "z1", rack: "r2" });

    const del = await runCli(["tags", "delete", "zone", "absent", "--agent", a1.grpc]);
    expect(del).toMatchObject({ code: 0, stdout: "tags-1: changed\n  rack=r2\n  role=db\n" });
    await until(async () => (await tagsOf())?.zone === undefined, 10_000, "zone gone on gateway 2");
    await until(async () => updates().length >= 2, 5_000, "a second UPDATE event");
    expect(updates()[1]!.member!.tags).toEqual({ role: "db", rack: "r2" });

    // Setting what is already there changes nothing and raises no event.
    const same = await runCli(["tags", "set", "rack=r2", "--json", "--agent", a1.grpc]);
    expect(JSON.parse(same.stdout)).toMatchObject({ changed: false });
    const listed = await runCli(["tags", "list", "--json", "--agent", a2.grpc]);
    expect(JSON.parse(listed.stdout)).toEqual({ node: "tags-2", tags: {} });
    await new Promise((r) => setTimeout(r, 500));
    expect(updates().length).toBe(2);
    ac.abort();
    c2.close();
  });

  it("bad arguments exit 2 before any call; refusals exit 1 naming the field", async () => {
    const big = "v".repeat(400);
    const runs = await Promise.all([
      runCli(["tags", "set", "novalue", "--agent", a1.grpc]),
      runCli(["tags", "set", "a=1", "a=2", "--agent", a1.grpc]),
      runCli(["tags", "delete", "", "--agent", a1.grpc]),
      runCli(["tags", "set", "--agent", a1.grpc]),
      runCli(["tags", "set", "k=" + "v".repeat(600), "--agent", a1.grpc]),
      runCli(["tags", "set", "a=" + big, "b=" + big, "c=" + big, "--agent", a1.grpc]),
      runCli(["tags", "set", "x=1", "--agent", guarded.grpc, "--token", USER]),
      runCli(["tags", "set", "x=1", "--json", "--agent", guarded.grpc, "--token", ADMIN]),
    ]);
    const expected: [number, string][] = [
      [2, 'hearsay tags set: usage: "novalue": expected key=value\n'],
      [2, 'hearsay tags set: usage: "a=2": key "a" given twice\n'],
      [2, "hearsay tags delete: usage: KEY: may not be empty\n"],
      [2, "error: missing required argument 'key=value'\n"],
      [1, 'hearsay tags set: INVALID_ARGUMENT: set["k"]: value is 600 bytes, over 512\n'],
      // role=db and rack=r2 are there already: 3 x 401 new bytes plus theirs.
      [
        1,
        "hearsay tags set: RESOURCE_EXHAUSTED: tags: 1215 bytes of tags do not fit the 1024-byte node state",
      ],
      [1, "hearsay tags set: PERMISSION_DENIED: "],
      [0, ""],
    ];
    runs.forEach((r, i) => {
      expect(r.stderr.startsWith(expected[i]![1]), `${i}: ${r.stderr}`).toBe(true);
      expect(r.code, `${i}: ${r.stderr}`).toBe(expected[i]![0]);
    });
    expect(JSON.parse(runs[7]!.stdout)).toMatchObject({
      node: "tags-guarded",
      tags: { x: "1" },
      changed: true,
    });
  });

  it("SetTags over gRPC: each bad field is INVALID_ARGUMENT naming it, limits RESOURCE_EXHAUSTED", async () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    const sixtyThree = Object.fromEntries(Array.from({ length: 63 }, (_, i) => [`k${i}`, "v"]));
    const cases: [Partial<SetTagsRequest>, grpc.status, string][] = [
      [{}, grpc.status.INVALID_ARGUMENT, "set: nothing to change: give set and/or delete_keys"],
      [{ set: { "": "x" } }, grpc.status.INVALID_ARGUMENT, 'set: key "" must be 1-128 bytes'],
      [{ set: { ["k".repeat(129)]: "x" } }, grpc.status.INVALID_ARGUMENT, "set: key "],
      [
        { set: { "a=b": "x" } },
        grpc.status.INVALID_ARGUMENT,
        'set: key "a=b" must not contain "=" or control',
      ],
      [{ set: { "a\nb": "x" } }, grpc.status.INVALID_ARGUMENT, 'set: key "a\\nb" must not contain'],
      [{ deleteKeys: [""] }, grpc.status.INVALID_ARGUMENT, 'delete_keys: key "" must be 1-128 bytes'],
      [
        { set: { a: "1" }, deleteKeys: ["a"] },
        grpc.status.INVALID_ARGUMENT,
        'delete_keys: "a" is also in set',
      ],
      [{ set: many }, grpc.status.RESOURCE_EXHAUSTED, "set: 65 tags, over the limit of 64 per member"],
      // 63 new + role + rack: the overlay refuses the 65th tag.
      [{ set: sixtyThree }, grpc.status.RESOURCE_EXHAUSTED, "tags: 65 tags, over the limit of 64 per member"],
      [{ overlay: "other", set: { a: "1" } }, grpc.status.NOT_FOUND, 'overlay "other" is not served'],
    ];
    for (const [req, code, details] of cases) {
      const err = await setTags(a1, req);
      expect(err?.code, details).toBe(code);
      expect(err?.details).toContain(details);
    }
    // None of the refusals changed anything.
    const c = connect({ address: a1.grpc });
    const self = (await c.members()).find((m) => m.name === "tags-1");
    c.close();
    expect(self?.tags).toEqual({ role: "db", rack: "r2" });
  });
});

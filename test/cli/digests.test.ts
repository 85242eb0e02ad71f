import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";
import { runCli, startCli, until } from "./run-cli.js";

const GREETING = join(REPO, "test/fixtures/greeting.proto");
const READING = join(REPO, "test/fixtures/reading.thrift");

let a: AgentProcess;
let b: AgentProcess;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hearsay-cli-"));
  a = await startAgentProcess("cli-a", ["--profile", "local"]);
  b = await startAgentProcess("cli-b", ["--profile", "local", "--join", a.gossip]);
  await until(
    async () => {
      const r = await runCli(["members", "--json", "--agent", b.grpc]);
      return r.code === 0 && (JSON.parse(r.stdout) as unknown[]).length === 2;
    },
    15_000,
    "cli-a and cli-b see each other",
  );
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

/** Subscribes at `at`, publishes three greetings at `via` (one --json, two from --file), returns both sides. */
async function publishAndSubscribe(via: AgentProcess, at: AgentProcess) {
  // "latest" includes digests published up to 1 s (startGraceMs) before the subscription: let the
  // previous test's digests age past it so this test sees only its own.
  await new Promise((r) => setTimeout(r, 1_200));
  const sub = startCli([
    "subscribe",
    "demo.Greeting",
    "--json",
    "--count",
    "3",
    "--print-cursor",
    "--agent",
    at.grpc,
  ]);
  await sub.waitFor("subscribed to demo.Greeting");
  const one = await runCli([
    "publish",
    "demo.Greeting",
    "--json",
    '{"text":"hello","sentAtMs":"7"}',
    "--agent",
    via.grpc,
  ]);
  expect(one.code).toBe(0);
  expect(one.stdout.trim()).toMatch(new RegExp(`^${via.name}:\\d+:\\d+$`));
  const lines = join(dir, "greetings.jsonl");
  writeFileSync(lines, '{"text":"two"}\n\n{"text":"three","tags":["x","y"]}\n');
  const many = await runCli(["publish", "demo.Greeting", "--file", lines, "--agent", via.grpc]);
  expect(many.code).toBe(0);
  const ids = [one.stdout.trim(), ...many.stdout.trim().split("\n")];
  expect(ids).toHaveLength(3);
  const timer = setTimeout(() => sub.child.kill("SIGKILL"), 15_000);
  const done = await sub.done;
  clearTimeout(timer);
  expect(done.code).toBe(0);
  const got = done.stdout
    .trim()
    .split("\n")
    .map(
      (l) =>
        JSON.parse(l) as {
          kind: string;
          id: string;
          origin: string;
          epoch: string;
          streamSequence: string;
          message: unknown;
        },
    );
  return { ids, got, stderr: done.stderr };
}

describe("hearsay types / publish / subscribe against a live cluster", () => {
  it("registers from a .proto file, publishes JSON and subscribes; the type replicates", async () => {
    const reg = await runCli(["types", "register", GREETING, "--type", "demo.Greeting", "--agent", a.grpc]);
    expect(reg.stderr).toBe("");
    expect(reg.code).toBe(0);
    expect(reg.stdout).toMatch(/registered: demo\.Greeting version 1/);

    // The registry replicates: the other gateway lists and shows it (schema included).
    await until(
      async () => (await runCli(["types", "show", "demo.Greeting", "--agent", b.grpc])).code === 0,
      15_000,
      "demo.Greeting known at cli-b",
    );
    const list = await runCli(["types", "list", "--json", "--prefix", "demo.", "--agent", b.grpc]);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        name: "demo.Greeting",
        version: 1,
        format: "proto-source",
        registeredBy: "cli-a",
      }),
    ]);
    const show = await runCli(["types", "show", "demo.Greeting", "--agent", b.grpc]);
    expect(show.stdout).toContain("message Greeting {");
    expect(show.stdout).toContain("registered by: cli-a");

    const { ids, got, stderr } = await publishAndSubscribe(a, a);
    expect(got.map((d) => d.message)).toEqual([
      { text: "hello", sentAtMs: "7" },
      { text: "two" },
      { text: "three", tags: ["x", "y"] },
    ]);
    expect(got.map((d) => d.id)).toEqual(ids);
    // The cursor names the last stream position received per origin and type: epoch and stream sequence.
    const at = (d: { epoch: string; streamSequence: string }) =>
      `cli-a/demo.Greeting/${d.epoch}/${d.streamSequence}`;
    expect(got.map((d) => Number(d.streamSequence))).toEqual([1, 2, 3]);
    expect(/cursor: (\S+)/.exec(stderr)![1]).toBe(at(got[2]!));

    // Resuming from an earlier cursor replays exactly what came after it.
    const resumed = await runCli(
      ["subscribe", "demo.Greeting", "--from", at(got[0]!), "--count", "2"].concat(["--agent", a.grpc]),
      { timeoutMs: 15_000 },
    );
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim().split("\n")).toEqual([
      `${ids[1]} demo.Greeting {"text":"two"}`,
      `${ids[2]} demo.Greeting {"text":"three","tags":["x","y"]}`,
    ]);
  });

  it("a subscriber at another gateway sees what was published at the first", async () => {
    const { ids, got } = await publishAndSubscribe(a, b);
    expect(got.map((d) => d.id)).toEqual(ids);
  });

  it("registers a Thrift struct and lists it", async () => {
    const reg = await runCli(["types", "register", READING, "--type", "Reading", "--agent", a.grpc]);
    expect(reg.stderr).toBe("");
    expect(reg.stdout).toMatch(/registered: Reading version 1 \(thrift-idl\)/);
    const list = await runCli(["types", "list", "--agent", a.grpc]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+VERSION/);
    expect(list.stdout).toMatch(/\nReading\s+1\s+thrift-idl\s+cli-a/);
  });

  it.each([
    [
      ["types", "register", "/no/such/file.proto", "--type", "demo.X"],
      "INVALID_ARGUMENT: FILE /no/such/file.proto: no such file",
    ],
    [["types", "register", "notes.txt", "--type", "demo.X"], 'unknown schema kind ".txt"'],
    [["types", "show", "demo.Nope"], 'NOT_FOUND: digest type "demo.Nope" is not registered'],
    [["publish", "demo.Greeting", "--json", "{not json"], "INVALID_ARGUMENT: --json: not JSON"],
    [["publish", "demo.Greeting", "--json", '{"nope":1}'], "INVALID_ARGUMENT: digest.json.nope"],
    [["publish", "demo.Greeting"], "give exactly one of --json or --file"],
    [["publish", "demo.Greeting", "--file", "/no/such.jsonl"], "--file /no/such.jsonl: no such file"],
    [["publish", "demo.Nope", "--json", "{}"], "NOT_FOUND"],
    [["subscribe", "demo.Greeting", "--from", "a/b"], "INVALID_ARGUMENT: --from: position 1"],
    [["subscribe", "demo.Greeting", "--count", "-3"], '--count "-3": expected a positive integer'],
    [["subscribe", "demo.Nope"], "NOT_FOUND"],
  ])("hostile input %j fails clearly", async (args, message) => {
    const r = await runCli([...args, "--agent", a.grpc], { timeoutMs: 15_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`hearsay ${args[0] === "types" ? `types ${args[1]}` : args[0]}: `);
    expect(r.stderr).toContain(message);
  });

  it("names the refused line of a JSON-lines file", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"text":"fine"}\n{"text": [1, 2]}\n');
    const r = await runCli(["publish", "demo.Greeting", "--file", bad, "--agent", a.grpc]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} line 2: digest`);
    const garbage = join(dir, "garbage.jsonl");
    writeFileSync(garbage, '{"text":"fine"}\nnot json at all\n');
    const g = await runCli(["publish", "demo.Greeting", "--file", garbage, "--agent", a.grpc]);
    expect(g.code).toBe(1);
    expect(g.stderr).toContain(`INVALID_ARGUMENT: ${garbage} line 2: not JSON`);
  });

  it("an unreachable agent is UNAVAILABLE, not a crash", async () => {
    const r = await runCli(["types", "list", "--agent", "127.0.0.1:1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hearsay types list: (UNAVAILABLE|DEADLINE_EXCEEDED): /);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { runCli, until } from "./run-cli.js";

let a1: AgentProcess;
let a2: AgentProcess;

beforeAll(async () => {
  a1 = await startAgentProcess("svc-cli-1", ["--profile", "local"]);
  a2 = await startAgentProcess("svc-cli-2", ["--profile", "local", "--join", a1.gossip]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a1?.stop(), a2?.stop()]);
});

interface ServiceJson {
  name: string;
  id: string;
  node: string;
  address: string;
  port: number;
  hostport: string;
  tags: Record<string, string>;
  health: string;
  ttlMs: number;
}

/** Polls with the SDK (cheap), so the CLI runs only for what is asserted. */
async function untilCount(agent: AgentProcess, name: string, n: number, passingOnly = false): Promise<void> {
  const c = connect({ address: agent.grpc });
  try {
    await until(
      async () => (await c.services(name, { passingOnly })).length === n,
      10_000,
      `${n} of ${name}`,
    );
  } finally {
    c.close();
  }
}

async function list(agent: AgentProcess, ...args: string[]): Promise<ServiceJson[]> {
  const r = await runCli(["services", "list", ...args, "--json", "--agent", agent.grpc]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ServiceJson[];
}

describe("hearsay services", () => {
  it("register on gateway 1, list on gateway 2 (--json, --tag, --passing), deregister", async () => {
    const reg = await runCli([
      "services",
      "register",
      "kafka",
      "--port",
      "9092",
      "--id",
      "broker-1",
      "--address",
      "10.1.2.3",
      "--tag",
      "rack=r1",
      "--tag",
      "version=3.7",
      "--json",
      "--agent",
      a1.grpc,
    ]);
    expect(reg.stderr).toBe("");
    expect(reg.code).toBe(0);
    const printed = JSON.parse(reg.stdout) as ServiceJson;
    expect(printed).toMatchObject({
      name: "kafka",
      id: "broker-1",
      node: "svc-cli-1",
      address: "10.1.2.3",
      port: 9092,
      hostport: "10.1.2.3:9092",
      tags: { rack: "r1", version: "3.7" },
      health: "passing",
      ttlMs: 0,
    });
    const text = await runCli(["services", "register", "kafka", "--port", "9093", "--agent", a1.grpc]);
    expect(text.stdout).toBe("registered kafka svc-cli-1:kafka:9093 at 127.0.0.1:9093 on node svc-cli-1\n");

    await untilCount(a2, "kafka", 2);
    expect(await list(a2, "kafka")).toEqual([
      expect.objectContaining({ id: "broker-1", node: "svc-cli-1", hostport: "10.1.2.3:9092" }),
      expect.objectContaining({ id: "svc-cli-1:kafka:9093", hostport: "127.0.0.1:9093" }),
    ]);
    expect((await list(a2, "kafka", "--tag", "rack=r1", "--passing")).map((s) => s.id)).toEqual(["broker-1"]);
    const table = await runCli(["services", "list", "--agent", a2.grpc]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+ID\s+NODE\s+ADDRESS\s+HEALTH\s+TAGS$/);
    expect(table.stdout).toMatch(
      /kafka\s+broker-1\s+svc-cli-1\s+10\.1\.2\.3:9092\s+passing\s+rack=r1,version=3\.7/,
    );

    // Only the gateway holding an instance removes it; elsewhere the error names that node.
    const elsewhere = await runCli(["services", "deregister", "kafka", "broker-1", "--agent", a2.grpc]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toBe(
      "hearsay services deregister: NOT_FOUND: kafka broker-1 is held by node svc-cli-1: " +
        "deregister it at that node's agent\n",
    );
    for (const id of ["broker-1", "svc-cli-1:kafka:9093"]) {
      const d = await runCli(["services", "deregister", "kafka", id, "--agent", a1.grpc]);
      expect(d).toMatchObject({ code: 0, stdout: `deregistered kafka ${id}\n` });
    }
    await untilCount(a2, "kafka", 0);
    const gone = await runCli(["services", "deregister", "kafka", "broker-1", "--agent", a1.grpc]);
    expect(gone).toMatchObject({
      code: 1,
      stderr: "hearsay services deregister: NOT_FOUND: no instance broker-1 of kafka is registered\n",
    });
  });

  it("a TTL registration from the one-shot CLI is not refreshed: it turns critical", async () => {
    const r = await runCli([
      "services",
      "register",
      "ttl-svc",
      "--port",
      "80",
      "--ttl-ms",
      "500",
      "--agent",
      a1.grpc,
    ]);
    expect(r.stdout).toContain("ttl 500 ms: refresh by registering again within it");
    await untilCount(a2, "ttl-svc", 1);
    await untilCount(a2, "ttl-svc", 0, true);
    expect((await list(a2, "ttl-svc")).map((s) => s.health)).toEqual(["critical"]);
  });

  it("bad flags exit 2 and name the problem (before any call)", async () => {
    const cases: [string[], string][] = [
      [["register", "kafka"], "usage: --port is required"],
      [
        ["register", "kafka", "--port", "80x"],
        'usage: --port "80x": expected a whole number from 1 to 65535',
      ],
      [
        ["register", "kafka", "--port", "80", "--ttl-ms", "100"],
        "usage: --ttl-ms 100: at least 500 (or 0 for none)",
      ],
      [
        ["register", "kafka", "--port", "80", "--tag", "novalue"],
        'usage: --tag "novalue": expected key=value',
      ],
      [["register", "kafka", "--port", "80", "--id", ""], "usage: --id: may not be empty"],
      [["list", "bad name!"], 'usage: NAME "bad name!": expected 1-128 of A-Z a-z 0-9 . _ -'],
      [["deregister", "kafka"], "error: missing required argument 'id'"],
      [["register", "kafka", "--port", "80", "--bogus"], "error: unknown option '--bogus'"],
    ];
    // Nothing listens on port 1: a call would fail with UNAVAILABLE (exit 1), not a usage error.
    const results = await Promise.all(
      cases.map(([args]) => runCli(["services", ...args, "--agent", "127.0.0.1:1"])),
    );
    results.forEach((r, i) => {
      expect(r.stderr, cases[i]![0].join(" ")).toContain(cases[i]![1]);
      expect(r.code, cases[i]![0].join(" ")).toBe(2);
    });
  });

  it("a refusal by the gateway exits 1 and names the field", async () => {
    const r = await runCli([
      "services",
      "register",
      "kafka",
      "--port",
      "80",
      "--address",
      "bad host!",
      "--agent",
      a1.grpc,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hearsay services register: INVALID_ARGUMENT: address: /);
  });
});

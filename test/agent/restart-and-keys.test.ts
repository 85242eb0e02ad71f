import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateKey } from "../../src/cli/internal.js";
import { connect, type Member, MemberStatus } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/schema.js";

let agents: AgentProcess[] = [];
afterEach(async () => {
  await Promise.all(agents.map((a) => a.stop("SIGKILL")));
  agents = [];
});

async function start(name: string, args: string[]): Promise<AgentProcess> {
  const a = await startAgentProcess(name, ["--profile", "local", ...args]);
  agents.push(a);
  return a;
}

async function members(a: AgentProcess): Promise<Member[]> {
  const c = connect({ address: a.grpc, callTimeoutMs: 3_000 });
  try {
    return await c.members();
  } finally {
    c.close();
  }
}

async function until(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), "hearsay-agent-"));

describe("agent restarts and keys", () => {
  it("a restarted node rejoins with a higher incarnation from its data dir", async () => {
    const dir = tmp();
    const seed = await start("r-seed", []);
    const first = await start("r-node", ["--join", seed.gossip, "--data-dir", dir]);
    await until(async () => (await members(seed)).some((m) => m.name === "r-node"), 10_000, "join");
    expect(await first.stop("SIGTERM")).toBe(0);
    agents = agents.filter((a) => a !== first);
    const second = await start("r-node", ["--join", seed.gossip, "--data-dir", dir]);
    await until(
      async () =>
        (await members(seed)).some(
          (m) => m.name === "r-node" && m.status === MemberStatus.MEMBER_STATUS_ALIVE && m.incarnation >= 1n,
        ),
      10_000,
      "r-node alive again with incarnation >= 1 at the seed",
    );
    expect((await members(second)).find((m) => m.name === "r-node")!.incarnation).toBeGreaterThanOrEqual(1n);
  });

  it("members sharing a key form a cluster; a node with another key stays out", async () => {
    const dir = tmp();
    const good = join(dir, "good.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify([generateKey()]));
    writeFileSync(bad, JSON.stringify([generateKey()]));
    const a = await start("k-a", ["--keyring-file", good]);
    const b = await start("k-b", ["--keyring-file", good, "--join", a.gossip]);
    const intruder = await start("k-x", ["--keyring-file", bad, "--join", a.gossip]);
    await until(async () => (await members(a)).some((m) => m.name === "k-b"), 10_000, "k-b joins");
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await members(a)).map((m) => m.name).sort()).toEqual(["k-a", "k-b"]);
    expect((await members(b)).map((m) => m.name).sort()).toEqual(["k-a", "k-b"]);
    expect((await members(intruder)).map((m) => m.name)).toEqual(["k-x"]);
    expect(intruder.lines.some((l) => l.includes("join failed"))).toBe(true);
    expect(a.child.exitCode).toBe(null);
  });

  it.each([
    [["--bind", "nowhere"], "bind:"],
    [["--join", "a:b"], "join:"],
    [["--keyring-file", "/nonexistent/keys.json"], "keyring: /nonexistent/keys.json"],
    [["--tag", "novalue"], '--tag "novalue": expected key=value'],
    [["--profile", "mars"], "profile"],
  ])("refuses bad start-up settings %j with exit 2 and a message", (args, message) => {
    const r = spawnSync(
      process.execPath,
      [join(REPO, "bin/hearsay.js"), "agent", "--grpc", "127.0.0.1:0", "--bind", "127.0.0.1:0", ...args],
      {
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
  });
});

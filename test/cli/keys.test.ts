import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { runCli, until } from "./run-cli.js";

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

interface KeyringJson {
  members: number;
  responded: number;
  results: { node: string; ok: boolean; error?: string; keys: string[] }[];
  keyCounts: Record<string, number>;
  primaryCounts: Record<string, number>;
}

async function keys(args: string[], agent: AgentProcess, env: Record<string, string> = {}) {
  const r = await runCli(["keys", ...args, "--json", "--agent", agent.grpc], { env });
  return { ...r, res: r.stdout ? (JSON.parse(r.stdout) as KeyringJson) : null };
}

async function aliveCount(a: AgentProcess): Promise<number> {
  const r = await runCli(["members", "--json", "--agent", a.grpc]);
  if (r.code !== 0) return -1;
  return (JSON.parse(r.stdout) as { status: string }[]).filter((m) => m.status === "alive").length;
}

const keygen = async () => (await runCli(["keygen"])).stdout.trim();

describe("hearsay keys: cluster-wide keyring rotation", () => {
  it("keygen -> install -> use -> remove old rotates every member and rewrites every keyring file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-keys-"));
    const oldKey = await keygen();
    const files = ["k1", "k2", "k3"].map((n) => join(dir, `${n}.json`));
    for (const f of files) writeFileSync(f, JSON.stringify([oldKey]));
    const k1 = await start("k1", ["--keyring-file", files[0]!]);
    const k2 = await start("k2", ["--keyring-file", files[1]!, "--join", k1.gossip]);
    const k3 = await start("k3", ["--keyring-file", files[2]!, "--join", k1.gossip]);
    for (const a of [k1, k2, k3])
      await until(async () => (await aliveCount(a)) === 3, 15_000, `${a.name} sees 3`);

    const before = await keys(["list"], k2);
    expect(before.code).toBe(0);
    expect(before.res!.keyCounts).toEqual({ [oldKey]: 3 });

    const newKey = await keygen();
    expect(newKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const installed = await keys(["install", newKey], k1);
    expect(installed.stderr).toBe("");
    expect(installed.res).toMatchObject({
      members: 3,
      responded: 3,
      keyCounts: { [oldKey]: 3, [newKey]: 3 },
    });
    expect(installed.res!.primaryCounts).toEqual({ [oldKey]: 3 });

    // Removing the primary key is refused on every member, naming why; nothing changes.
    const refused = await keys(["remove", oldKey], k3);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "hearsay keys remove: FAILED_PRECONDITION: 3 of 3 members did not apply it",
    );
    expect(refused.res!.results.every((r) => !r.ok && /primary key/.test(r.error ?? ""))).toBe(true);

    const used = await keys(["use", newKey], k2);
    expect(used.code).toBe(0);
    expect(used.res!.primaryCounts).toEqual({ [newKey]: 3 });

    const removed = await keys(["remove", oldKey], k3);
    expect(removed.code).toBe(0);
    expect(removed.res!.results.map((r) => [r.node, r.ok, r.keys])).toEqual([
      ["k1", true, [newKey]],
      ["k2", true, [newKey]],
      ["k3", true, [newKey]],
    ]);

    // Every member reports the new primary, and the text form says so too.
    const text = await runCli(["keys", "list", "--agent", k1.grpc]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("list: 3 of 3 members ok");
    expect(text.stdout).toMatch(new RegExp(`${newKey.replace(/[+/=]/g, "\\$&")}\\s+3/3\\s+3`));
    // A restart keeps the change: each member rewrote its own file.
    for (const f of files) expect(JSON.parse(readFileSync(f, "utf8"))).toEqual([newKey]);

    // The cluster stays healthy on the new key: nobody suspected or failed.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const a of [k1, k2, k3]) expect(await aliveCount(a)).toBe(3);
    // No member was suspected (it would have refuted) or declared failed, and no packet failed to decrypt.
    const trouble = /refuting a suspicion|marking member failed|dropped inbound message/;
    for (const a of [k1, k2, k3]) expect(a.lines.filter((l) => trouble.test(l))).toEqual([]);
  });

  it("admin-only when tokens are configured; bad keys and plaintext gossip are refused clearly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-keys-"));
    const keyring = join(dir, "k.json");
    writeFileSync(keyring, JSON.stringify([await keygen()]));
    const config = join(dir, "hearsay.yaml");
    writeFileSync(
      config,
      [
        "tokens:",
        "  - { name: ops, token: ops-token-0123456789, publish: [], subscribe: [], admin: true }",
        '  - { name: app, token: app-token-0123456789, publish: ["demo.*"], subscribe: ["demo.*"] }',
      ].join("\n"),
    );
    const guarded = await start("kg", ["--config", config, "--keyring-file", keyring]);
    const plain = await start("kp", []);

    const denied = await keys(["list", "--token", "app-token-0123456789"], guarded);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe(
      'hearsay keys list: PERMISSION_DENIED: token "app" may not manage the keyring\n',
    );
    const anonymous = await keys(["install", await keygen()], guarded);
    expect(anonymous.stderr).toMatch(/^hearsay keys install: UNAUTHENTICATED: missing token/);
    // The token may come from HEARSAY_TOKEN.
    const allowed = await keys(["list"], guarded, { HEARSAY_TOKEN: "ops-token-0123456789" });
    expect(allowed.code).toBe(0);
    expect(allowed.res!.members).toBe(1);

    const ops = { HEARSAY_TOKEN: "ops-token-0123456789" };
    for (const [key, problem] of [
      ["not base64!", "key: not base64 text"],
      ["AAAA", "key: 3 bytes; AES-256 keys are 32 bytes"],
    ] as const) {
      const r = await keys(["install", key], guarded, ops);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`hearsay keys install: INVALID_ARGUMENT: ${problem}`);
    }
    const unknown = await keys(["use", await keygen()], guarded, ops);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("key is not installed on this member");

    const off = await keys(["install", await keygen()], plain);
    expect(off.code).toBe(1);
    expect(off.stderr).toBe(
      "hearsay keys install: FAILED_PRECONDITION: gossip encryption is off; start agents with --keyring-file\n",
    );
    expect(guarded.child.exitCode).toBe(null);
  });
});

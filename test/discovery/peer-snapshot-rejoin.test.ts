import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MemberStatus } from "../../src/sdk/index.js";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { logged, members, until } from "./support/cluster.js";

describe("peer snapshot in the data dir", () => {
  const agents: AgentProcess[] = [];
  const start = async (name: string, args: string[]) => {
    const a = await startAgentProcess(name, ["--profile", "local", ...args]);
    agents.push(a);
    return a;
  };
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop("SIGKILL")));
  });

  const aliveAt = async (observer: AgentProcess, name: string, minIncarnation: bigint) =>
    (await members(observer.grpc)).some(
      (m) =>
        m.name === name && m.status === MemberStatus.MEMBER_STATUS_ALIVE && m.incarnation >= minIncarnation,
    );

  it("a node restarted with its data dir and no seeds rejoins, after a crash and after a clean stop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-snapshot-"));
    const peersFile = join(dir, "peers.json");
    const [s1, s2] = await Promise.all([start("snap-s1", []), start("snap-s2", [])]);
    const first = await start("snap-n", ["--data-dir", dir, "--join", `${s1.gossip},${s2.gossip}`]);
    await until(
      () => existsSync(peersFile) && /snap-s1[^]*snap-s2/.test(readFileSync(peersFile, "utf8")),
      10_000,
      "peers.json naming both seeds",
    );
    const written = JSON.parse(readFileSync(peersFile, "utf8"));
    expect(written).toMatchObject({ version: 1, overlay: "default", node: "snap-n" });
    expect(written.peers.map((p: { name: string }) => p.name).sort()).toEqual(["snap-s1", "snap-s2"]);

    // Crash: no farewell, no last write; the snapshot written on change is what it has.
    await first.stop("SIGKILL");
    const second = await start("snap-n", ["--data-dir", dir]);
    expect(logged(second.lines, "rejoining peers from the snapshot")[0]).toMatchObject({ peers: 2 });
    await until(async () => aliveAt(s1, "snap-n", 1n), 15_000, "snap-n alive again (incarnation >= 1) at s1");
    await until(async () => aliveAt(second, "snap-s2", 0n), 10_000, "snap-n sees s2");

    // Clean stop: it leaves (others see it left), writes the snapshot last, and comes back all the same.
    expect(await second.stop("SIGTERM")).toBe(0);
    const third = await start("snap-n", ["--data-dir", dir]);
    await until(async () => aliveAt(s2, "snap-n", 2n), 15_000, "snap-n alive again (incarnation >= 2) at s2");
    await until(() => logged(third.lines, "joined").length > 0, 5_000, "snap-n to log its join");
    expect(logged(third.lines, "joined")[0]).toMatchObject({ seeds: 2 });
  });
});

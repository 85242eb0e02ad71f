import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess } from "../support/agent-process.js";
import { aliveNames, logged, until } from "./support/cluster.js";
import { TestDnsServer } from "./support/dns-server.js";

/**
 * Seeds by DNS name against a real (test) DNS server: the name lists several addresses, most of them
 * down, and the join goes through the one that answers. 127.0.0.0/8 is all loopback on Linux, so each
 * "host" is its own 127.0.0.x address; the down ones have nothing listening.
 */
describe("DNS seeds", () => {
  let dns: TestDnsServer;
  let seed: AgentProcess;
  let port: number;
  const agents: AgentProcess[] = [];
  const start = async (name: string, args: string[]) => {
    const a = await startAgentProcess(name, ["--profile", "local", ...args]);
    agents.push(a);
    return a;
  };

  beforeAll(async () => {
    dns = await TestDnsServer.start();
    seed = await start("dns-seed", ["--bind", "127.0.0.3:0"]);
    port = Number(seed.gossip.split(":")[1]);
    dns.set("seeds.hearsay.test", { a: ["127.0.0.4", "127.0.0.5", "127.0.0.3"], aaaa: ["::1"] });
    dns.set("_hearsay._tcp.hearsay.test", {
      srv: [
        { target: "down.hearsay.test", port, priority: 1 },
        { target: "seed.hearsay.test", port, priority: 2 },
      ],
    });
    dns.set("down.hearsay.test", { a: ["127.0.0.6"] });
    dns.set("seed.hearsay.test", { a: ["127.0.0.3"] });
    dns.set("later.hearsay.test", { a: ["127.0.0.7"] });
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop("SIGKILL")));
    dns?.close();
  });

  it("joins through every A/AAAA record of a name while some are down, SRV too, and re-resolves on retry", async () => {
    const server = ["--dns-server", dns.address];
    const [byName, bySrv, later] = await Promise.all([
      start("dns-a", ["--join", `dns:seeds.hearsay.test:${port}`, ...server]),
      start("dns-srv", ["--join", "dns:srv:_hearsay._tcp.hearsay.test", ...server]),
      start("dns-later", ["--join", `dns:later.hearsay.test:${port}`, ...server]),
    ]);
    await until(
      async () => logged(later.lines, "join failed; will retry").length > 0,
      10_000,
      "a failed attempt",
    );
    // The name now also lists the seed: the next attempt resolves it again and gets through.
    dns.set("later.hearsay.test", { a: ["127.0.0.7", "127.0.0.3"] });
    const all = ["dns-a", "dns-later", "dns-seed", "dns-srv"];
    await until(
      async () => (await aliveNames(seed.grpc)).join() === all.join(),
      20_000,
      "all three at the seed",
    );

    for (const a of [byName, bySrv, later]) {
      await until(() => logged(a.lines, "joined").length > 0, 5_000, `${a.name} to log its join`);
    }
    const joined = logged(byName.lines, "joined")[0]!;
    expect(joined).toMatchObject({ via: 1, seeds: 4 });
    expect(logged(bySrv.lines, "joined")[0]).toMatchObject({ via: 1, seeds: 2 });
    const failed = logged(later.lines, "join failed; will retry")[0]!;
    expect(String(failed.errors)).toContain(`127.0.0.7:${port}`);
    expect(logged(later.lines, "joined")).toHaveLength(1);
    expect(dns.queries).toBeGreaterThanOrEqual(6);
  });

  it("a name that does not resolve is retried with the DNS error in the log", async () => {
    const a = await start("dns-nx", ["--join", "dns:nowhere.hearsay.test:7946", "--dns-server", dns.address]);
    await until(
      async () => logged(a.lines, "join failed; will retry").length > 0,
      10_000,
      "a failed attempt",
    );
    expect(String(logged(a.lines, "join failed; will retry")[0]!.errors)).toContain(
      "dns:nowhere.hearsay.test: ENOTFOUND",
    );
    expect(a.child.exitCode).toBe(null);
  });
});

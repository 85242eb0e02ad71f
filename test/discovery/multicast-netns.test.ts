import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey } from "../../src/cli/internal.js";
import { aliveNames, logged, until } from "./support/cluster.js";
import { NetnsLan, type NsAgent, startNsAgent } from "./support/netns.js";

/**
 * Zero-config on a real LAN: six hosts (network namespaces on one bridge), no seeds anywhere, beacons on
 * the default multicast group. Four share the cluster name and key and must find each other; one has
 * another key, one another cluster name, and both must stay out.
 */
describe("multicast discovery between network namespaces", () => {
  const lan = new NetnsLan();
  const agents: NsAgent[] = [];

  beforeAll(async () => {
    lan.create(6);
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop("SIGKILL")));
    lan.destroy();
  });

  it("four hosts with the cluster's name and key form one cluster; the wrong key and the wrong name stay out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearsay-mcast-"));
    const good = join(dir, "good.json");
    const bad = join(dir, "bad.json");
    writeFileSync(good, JSON.stringify([generateKey()]));
    writeFileSync(bad, JSON.stringify([generateKey()]));
    const common = ["--profile", "local", "--discover", "multicast", "--multicast-interval-ms", "500"];
    const h = lan.hosts;
    const started = await Promise.all([
      ...[0, 1, 2, 3].map((i) =>
        startNsAgent(h[i]!, `m${i + 1}`, [...common, "--keyring-file", good, "--log-level", "debug"]),
      ),
      startNsAgent(h[4]!, "wrong-key", [...common, "--keyring-file", bad, "--log-level", "debug"]),
      startNsAgent(h[5]!, "wrong-name", [
        ...common,
        "--keyring-file",
        good,
        "--overlay",
        "other",
        "--log-level",
        "debug",
      ]),
    ]);
    agents.push(...started);
    const [m1, m2, m3, m4, wrongKey, wrongName] = started as [
      NsAgent,
      NsAgent,
      NsAgent,
      NsAgent,
      NsAgent,
      NsAgent,
    ];
    const cluster = ["m1", "m2", "m3", "m4"];
    for (const m of [m1, m2, m3, m4]) {
      await until(
        async () => (await aliveNames(m.grpc)).join() === cluster.join(),
        30_000,
        `${m.name} sees m1-m4`,
      );
    }
    expect(logged(m1.lines, "multicast discovery on")[0]).toMatchObject({
      group: "239.255.72.73:7947",
      interface: h[0]!.address,
      ttl: 1,
      sealed: true,
    });
    // The outsiders beacon too, every 500 ms: give them time to be heard, then check nobody let them in.
    const dropped = (a: NsAgent, reason: string) =>
      logged(a.lines, "beacon dropped").filter((l) => l.reason === reason).length > 0;
    await until(
      () =>
        [m1, m2, m3, m4].every((m) => dropped(m, "bad-auth") && dropped(m, "other-cluster")) &&
        dropped(wrongKey, "bad-auth") &&
        dropped(wrongName, "other-cluster"),
      10_000,
      "every member to hear and drop both outsiders, and the outsiders to drop the members",
    );
    for (const m of [m1, m2, m3, m4]) expect(await aliveNames(m.grpc)).toEqual(cluster);
    expect(await aliveNames(wrongKey.grpc)).toEqual(["wrong-key"]);
    expect(await aliveNames(wrongName.grpc)).toEqual(["wrong-name"]);
    expect(logged(m1.lines, "join failed; will retry")).toEqual([]);
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../support/schema.js";

describe("hearsay agent discovery flags", () => {
  it("refuses bad values with exit 2, naming every setting at once", () => {
    const bad: Array<[string, string, string]> = [
      ["--join", "dns:bad name", "join: "],
      ["--dns-server", "resolver.lan:53", "dnsServer: expected IP:PORT"],
      ["--discover", "mdns", 'discover: "mdns" is not one of multicast, off'],
      ["--multicast-group", "10.1.1.1:7947", "multicast.group:"],
      ["--multicast-ttl", "99", "multicast.ttl: expected an integer 0-32, got 99"],
      ["--multicast-interface", "eth0", "multicast.interface:"],
      ["--multicast-interval-ms", "5", "multicast.intervalMs:"],
    ];
    const r = spawnSync(
      process.execPath,
      [
        join(REPO, "bin/hearsay.js"),
        "agent",
        "--grpc",
        "127.0.0.1:0",
        "--bind",
        "127.0.0.1:0",
        ...bad.flatMap(([flag, value]) => [flag, value]),
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(2);
    for (const [, , message] of bad) expect(r.stderr).toContain(message);
  });
});

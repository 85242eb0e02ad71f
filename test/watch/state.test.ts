import { describe, expect, it } from "vitest";
import { hostPort, stateEnv, stateJson, stateKey, type WatchState } from "../../src/watch/index.js";

const service = (
  instances: { id: string; address: string; port: number; tags?: Record<string, string> }[],
): WatchState => ({
  kind: "service",
  service: "zk",
  instances: instances.map((i) => ({ name: "zk", node: "n", tags: {}, ...i })),
});

describe("watch state: env, stdin JSON, change key", () => {
  it("exports the instances as env variables, sorted by id, IPv6 in brackets", () => {
    const env = stateEnv(
      service([
        { id: "b", address: "::1", port: 2182 },
        { id: "a", address: "10.0.0.1", port: 2181 },
      ]),
    );
    expect(env).toEqual({
      HEARSAY_WATCH: "service",
      HEARSAY_SERVICE: "zk",
      HEARSAY_INSTANCE_COUNT: "2",
      HEARSAY_INSTANCES: "10.0.0.1:2181,[::1]:2182",
    });
    expect(hostPort("[::1]", 1)).toBe("[::1]:1");
  });

  it("members: names, gossip addresses, count; host and port split in the JSON", () => {
    const s: WatchState = {
      kind: "members",
      tags: { role: "broker" },
      members: [
        { name: "n2", address: "[fe80::1]:7946", tags: { role: "broker" } },
        { name: "n1", address: "10.0.0.1:7946", tags: { role: "broker" } },
      ],
    };
    expect(stateEnv(s)).toEqual({
      HEARSAY_WATCH: "members",
      HEARSAY_MEMBER_COUNT: "2",
      HEARSAY_MEMBERS: "n1,n2",
      HEARSAY_MEMBER_ADDRESSES: "10.0.0.1:7946,[fe80::1]:7946",
    });
    const json = stateJson(s) as { members: { host: string; port: number }[] };
    expect(json.members.map((m) => [m.host, m.port])).toEqual([
      ["10.0.0.1", 7946],
      ["fe80::1", 7946],
    ]);
  });

  it("a list too long for one variable is left empty and flagged, never cut in half", () => {
    const many = service(
      Array.from({ length: 100 }, (_, i) => ({ id: `i${i}`, address: "10.0.0.1", port: 1000 + i })),
    );
    const env = stateEnv(many, 200);
    expect(env.HEARSAY_INSTANCES).toBe("");
    expect(env.HEARSAY_TRUNCATED).toBe("1");
    expect(env.HEARSAY_INSTANCE_COUNT).toBe("100");
  });

  it("the change key ignores order (of instances and of tags) and sees tag and port changes", () => {
    const a = service([
      { id: "a", address: "h", port: 1, tags: { x: "1", y: "2" } },
      { id: "b", address: "h", port: 2 },
    ]);
    const b = service([
      { id: "b", address: "h", port: 2 },
      { id: "a", address: "h", port: 1, tags: { y: "2", x: "1" } },
    ]);
    expect(stateKey(a)).toBe(stateKey(b));
    expect(stateKey(service([{ id: "a", address: "h", port: 1, tags: { x: "1" } }]))).not.toBe(stateKey(a));
    expect(stateKey(service([{ id: "a", address: "h", port: 3 }]))).not.toBe(
      stateKey(service([{ id: "a", address: "h", port: 1 }])),
    );
  });
});

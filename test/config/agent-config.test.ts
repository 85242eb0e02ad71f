import { describe, expect, it } from "vitest";
import { buildAgentConfig, DEFAULT_CLIENT_LIMITS, parseHostPort } from "../../src/config/index.js";

describe("parseHostPort", () => {
  it.each([
    ["127.0.0.1:7400", "127.0.0.1", 7400],
    ["[::1]:9", "::1", 9],
    [":0", "127.0.0.1", 0],
    ["example.org:443", "example.org", 443],
  ])("accepts %s", (text, host, port) => {
    expect(parseHostPort(text)).toEqual({ ok: true, value: { host, port } });
  });

  it.each([
    "",
    "7400",
    "host:",
    "host:65536",
    "::1:80",
    "[::1]",
    "a:b:c",
    "host:-1",
    "host:12345678",
    "\u0000:1",
  ])("refuses %j with a reason", (text) => {
    const r = parseHostPort(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/HOST:PORT|port/);
  });
});

describe("buildAgentConfig", () => {
  it("fills defaults", () => {
    const r = buildAgentConfig({}, "box1");
    expect(r).toEqual({
      ok: true,
      value: {
        nodeName: "box1",
        overlay: "default",
        grpc: { host: "127.0.0.1", port: 7400 },
        thrift: null,
        limits: DEFAULT_CLIENT_LIMITS,
        bind: { host: "0.0.0.0", port: 7946 },
        advertise: null,
        join: [],
        dnsServer: null,
        discover: [],
        multicast: {
          group: { host: "239.255.72.73", port: 7947 },
          ttl: 1,
          interface: null,
          intervalMs: 1000,
        },
        profile: "lan",
        keyringFile: null,
        dataDir: null,
        tags: {},
        tokens: [],
        tls: null,
      },
    });
  });

  it("names every bad key and what it accepts", () => {
    const r = buildAgentConfig(
      {
        nodeName: "bad name!",
        overlay: 42,
        grpc: "nowhere",
        thrift: {},
        limits: { maxDigestBytes: -1, maxHeaders: 1.5, bogus: 3 },
      },
      "h",
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain("nodeName:");
    expect(r.error).toContain("overlay: expected a string");
    expect(r.error).toContain("grpc:");
    expect(r.error).toContain("thrift: expected HOST:PORT");
    expect(r.error).toContain("limits.maxDigestBytes: expected an integer");
    expect(r.error).toContain("limits.maxHeaders: expected an integer");
    expect(r.error).toContain("limits.bogus: unknown limit");
  });

  it("checks the overlay settings", () => {
    const r = buildAgentConfig(
      {
        bind: "[::1]:7000",
        join: "10.0.0.1:7946, [fe80::1]:7946",
        profile: "wan",
        tags: { role: "broker" },
        dataDir: "/var/lib/hearsay",
      },
      "h",
    );
    expect(r.ok && r.value.join).toEqual(["10.0.0.1:7946", "[fe80::1]:7946"]);
    expect(r.ok && r.value.bind).toEqual({ host: "::1", port: 7000 });
    expect(r.ok && r.value.profile).toBe("wan");
    expect(r.ok && r.value.tags).toEqual({ role: "broker" });

    const bad = buildAgentConfig(
      {
        bind: "x",
        join: ["ok:1", "nope", "h:0", 7],
        profile: "mars",
        tags: { "": "v", k: 5, big: "v".repeat(600) },
        keyringFile: 3,
        dataDir: "a\0b",
      },
      "h",
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error).toContain("bind:");
    expect(bad.error).toContain("join: expected HOST:PORT");
    expect(bad.error).toContain('profile: "mars" is not one of lan, wan, local');
    expect(bad.error).toContain('tags: key "" must be');
    expect(bad.error).toContain("tags.k: expected a string value");
    expect(bad.error).toContain("tags.big: value over 512 bytes");
    expect(bad.error).toContain("keyringFile: expected a file system path");
    expect(bad.error).toContain("dataDir: expected a file system path");
    const seeds = buildAgentConfig({ join: "nope,h:0" }, "h");
    expect(!seeds.ok && seeds.error).toContain('join: "nope" is not HOST:PORT');
    expect(!seeds.ok && seeds.error).toContain('join: "h:0" needs a port other than 0');
    const many = buildAgentConfig(
      { tags: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"])) },
      "h",
    );
    expect(!many.ok && many.error).toContain("tags: at most 64 tags");
  });

  it("turns listeners off", () => {
    const r = buildAgentConfig({ grpc: "off", thrift: "[::1]:0" }, "h");
    expect(r.ok && r.value.grpc).toBe(null);
    expect(r.ok && r.value.thrift).toEqual({ host: "::1", port: 0 });
  });

  it("rejects an over-long node name", () => {
    expect(buildAgentConfig({ nodeName: "x".repeat(129) }, "h").ok).toBe(false);
  });
});

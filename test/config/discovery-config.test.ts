import { describe, expect, it } from "vitest";
import { discoveryFlags } from "../../src/cli/internal.js";
import { buildAgentConfig, DEFAULT_MULTICAST, parseConfigText, parseSeed } from "../../src/config/index.js";

const build = (input: Parameters<typeof buildAgentConfig>[0]) => buildAgentConfig(input, "h");
const error = (input: Parameters<typeof buildAgentConfig>[0]): string => {
  const r = build(input);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(input)}`);
  return r.error;
};

describe("seeds (join)", () => {
  it.each([
    ["10.0.0.1:7946", { kind: "address", address: { host: "10.0.0.1", port: 7946 } }],
    ["dns:seeds.example.org", { kind: "dns", name: "seeds.example.org", port: 7946 }],
    ["dns:seeds.example.org.:9000", { kind: "dns", name: "seeds.example.org.", port: 9000 }],
    ["dns:srv:_hearsay._tcp.example.org", { kind: "srv", name: "_hearsay._tcp.example.org" }],
  ])("parses %s", (text, value) => {
    expect(parseSeed(text)).toEqual({ ok: true, value });
  });

  it("keeps them in canonical form, the default port spelled out", () => {
    const r = build({ join: "dns:seeds.lan, dns:srv:_h._tcp.lan,10.0.0.1:7946" });
    expect(r.ok && r.value.join).toEqual(["dns:seeds.lan:7946", "dns:srv:_h._tcp.lan", "10.0.0.1:7946"]);
  });

  it.each([
    ["dns:", "needs a DNS name"],
    ["dns:srv:", "needs a DNS name"],
    ["dns:bad name", "not a DNS name"],
    ["dns:a..b", "not a DNS name"],
    ["dns:-a.b", "not a DNS name"],
    [`dns:${"a".repeat(64)}.org`, "not a DNS name"],
    [`dns:${"abcdefghi.".repeat(26)}org`, "longer than 253 bytes"],
    ["dns:seeds.lan:0", "port must be 1-65535"],
    ["dns:seeds.lan:70000", "port must be 1-65535"],
    ["dns:seeds.lan:x", "is not dns:NAME[:PORT]"],
    ["dns:srv:_h._tcp.lan:7946", "not a DNS name"],
  ])("refuses %j naming the key", (seed, message) => {
    const e = error({ join: [seed] });
    expect(e).toContain("join: ");
    expect(e).toContain(message);
  });

  it("names the accepted forms when the value is not a list", () => {
    expect(error({ join: 5 })).toContain("dns:NAME[:PORT] or dns:srv:NAME");
  });
});

describe("discovery settings", () => {
  it("defaults: no discovery, the system resolver, the documented beacon group", () => {
    const r = build({});
    expect(r.ok && r.value.discover).toEqual([]);
    expect(r.ok && r.value.dnsServer).toBe(null);
    expect(r.ok && r.value.multicast).toEqual(DEFAULT_MULTICAST);
  });

  it("accepts every field", () => {
    const r = build({
      discover: "multicast",
      dnsServer: "[::1]:5353",
      multicast: { group: "239.1.2.3:9999", ttl: 0, interface: "10.0.0.5", intervalMs: 100 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.discover).toEqual(["multicast"]);
    expect(r.value.dnsServer).toEqual({ host: "::1", port: 5353 });
    expect(r.value.multicast).toEqual({
      group: { host: "239.1.2.3", port: 9999 },
      ttl: 0,
      interface: "10.0.0.5",
      intervalMs: 100,
    });
    expect(build({ discover: ["multicast"] }).ok).toBe(true);
    expect(build({ discover: "off" }).ok && build({ discover: "off" })).toMatchObject({
      value: { discover: [] },
    });
  });

  it.each([
    [{ discover: "mdns" }, 'discover: "mdns" is not one of multicast, off'],
    [{ discover: 3 }, "discover: expected"],
    [{ dnsServer: "dns.example.org:53" }, "dnsServer: expected IP:PORT"],
    [{ dnsServer: "127.0.0.1" }, "dnsServer: expected IP:PORT"],
    [{ dnsServer: "127.0.0.1:0" }, "dnsServer: expected IP:PORT"],
    [{ dnsServer: 53 }, "dnsServer: expected IP:PORT"],
    [{ multicast: "239.1.2.3:1" }, "multicast: expected a map"],
    [{ multicast: { port: 1 } }, "multicast: unknown keys port"],
    [{ multicast: { group: "10.0.0.1:7947" } }, 'multicast.group: "10.0.0.1" is not an IPv4 multicast'],
    [{ multicast: { group: "[ff02::1]:7947" } }, "multicast.group: "],
    [{ multicast: { group: "239.1.2.3:0" } }, "multicast.group: needs a port other than 0"],
    [{ multicast: { group: "239.1.2.3" } }, "multicast.group: expected GROUP:PORT"],
    [{ multicast: { group: 7 } }, "multicast.group: expected GROUP:PORT"],
    [{ multicast: { ttl: 33 } }, "multicast.ttl: expected an integer 0-32"],
    [{ multicast: { ttl: -1 } }, "multicast.ttl: expected an integer 0-32"],
    [{ multicast: { ttl: "1" } }, "multicast.ttl: expected an integer 0-32"],
    [{ multicast: { interface: "eth0" } }, "multicast.interface: expected a local IPv4 address"],
    [{ multicast: { interface: "239.1.1.1" } }, "multicast.interface: expected a local IPv4 address"],
    [{ multicast: { intervalMs: 99 } }, "multicast.intervalMs: expected an integer 100-60000"],
    [{ multicast: { intervalMs: 60_001 } }, "multicast.intervalMs: expected an integer 100-60000"],
    [{ multicast: { intervalMs: 1.5 } }, "multicast.intervalMs: expected an integer 100-60000"],
  ])("refuses %j naming the key", (input, message) => {
    expect(error(input)).toContain(message);
  });

  it("reads them from the config file", () => {
    const r = parseConfigText(
      [
        "join: [dns:seeds.lan:7946, dns:srv:_hearsay._tcp.lan]",
        "dnsServer: 10.0.0.53:53",
        "discover: multicast",
        "multicast: { group: 239.255.0.9:7000, ttl: 2, intervalMs: 500 }",
      ].join("\n"),
      "hearsay.yaml",
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = build(r.value);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value.join).toEqual(["dns:seeds.lan:7946", "dns:srv:_hearsay._tcp.lan"]);
    expect(c.value.dnsServer).toEqual({ host: "10.0.0.53", port: 53 });
    expect(c.value.multicast).toMatchObject({ group: { host: "239.255.0.9", port: 7000 }, ttl: 2 });
  });

  it("flags override the file key by key within multicast", () => {
    const file = { discover: "multicast", multicast: { group: "239.1.1.1:7000", ttl: 2 } };
    const flags = discoveryFlags(
      { multicastTtl: "0", multicastIntervalMs: "250", dnsServer: "127.0.0.1:53" },
      file,
    );
    expect(flags.multicast).toEqual({ group: "239.1.1.1:7000", ttl: 0, intervalMs: 250 });
    const r = build({ ...file, ...flags });
    expect(r.ok && r.value.multicast).toEqual({
      group: { host: "239.1.1.1", port: 7000 },
      ttl: 0,
      interface: null,
      intervalMs: 250,
    });
    expect(discoveryFlags({}, file).multicast).toBe(undefined);
    expect(error({ multicast: discoveryFlags({ multicastTtl: "one" }, {}).multicast })).toContain(
      'multicast.ttl: expected an integer 0-32, got "one"',
    );
  });
});

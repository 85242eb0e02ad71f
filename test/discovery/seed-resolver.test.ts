import { describe, expect, it } from "vitest";
import { parseSeed, type SeedSpec } from "../../src/config/index.js";
import { type DnsClient, resolveSeeds, type SrvRecord } from "../../src/discovery/index.js";

const seeds = (...texts: string[]): SeedSpec[] =>
  texts.map((t) => (parseSeed(t) as { value: SeedSpec }).value);
const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));

/** A DNS table: names to addresses and SRV records; anything else is NXDOMAIN. */
function table(a: Record<string, string[]>, srv: Record<string, SrvRecord[]> = {}): DnsClient {
  return {
    addresses: (name) => (a[name] ? Promise.resolve(a[name]!) : fail("ENOTFOUND")),
    srv: (name) => (srv[name] ? Promise.resolve(srv[name]!) : fail("ENOTFOUND")),
  };
}

describe("seed resolution", () => {
  it("expands every A/AAAA record of a name at the seed's port, and keeps addresses as they are", async () => {
    const dns = table({ "seeds.lan": ["10.0.0.1", "10.0.0.2", "fd00::3"] });
    const r = await resolveSeeds(seeds("dns:seeds.lan:7000", "10.9.9.9:7946", "10.0.0.1:7000"), dns);
    expect(r).toEqual({
      addresses: ["10.0.0.1:7000", "10.0.0.2:7000", "[fd00::3]:7000", "10.9.9.9:7946"],
      errors: [],
    });
  });

  it("expands SRV records to their targets' addresses at the records' ports, best priority first", async () => {
    const dns = table(
      { "a.lan": ["10.0.0.1"], "b.lan": ["10.0.0.2", "10.0.0.3"] },
      {
        "_h._tcp.lan": [
          { name: "b.lan", port: 8000, priority: 20, weight: 0 },
          { name: "a.lan", port: 7000, priority: 10, weight: 5 },
          { name: ".", port: 0, priority: 0, weight: 0 },
          { name: "gone.lan", port: 9000, priority: 30, weight: 0 },
        ],
      },
    );
    const r = await resolveSeeds(seeds("dns:srv:_h._tcp.lan"), dns);
    expect(r.addresses).toEqual(["10.0.0.1:7000", "10.0.0.2:8000", "10.0.0.3:8000"]);
    expect(r.errors).toEqual(["dns:srv:_h._tcp.lan -> gone.lan: ENOTFOUND"]);
  });

  it("reports names that do not resolve and keeps the rest", async () => {
    const r = await resolveSeeds(seeds("dns:nope.lan", "dns:srv:_x._tcp.lan", "10.0.0.9:1"), table({}));
    expect(r.addresses).toEqual(["10.0.0.9:1"]);
    expect(r.errors).toEqual(["dns:nope.lan: ENOTFOUND", "dns:srv:_x._tcp.lan: ENOTFOUND"]);
  });

  it("bounds addresses per name, SRV records and the whole attempt, saying so", async () => {
    const many = Array.from({ length: 100 }, (_, i) => `10.1.${i >> 8}.${i & 255}`);
    const r = await resolveSeeds(seeds("dns:many.lan:1"), table({ "many.lan": many }));
    expect(r.addresses).toHaveLength(64);
    expect(r.errors).toEqual(["dns:many.lan: 100 addresses, only 64 used"]);
    const srv = Array.from({ length: 70 }, (_, i) => ({
      name: "many.lan",
      port: 1000 + i,
      priority: 0,
      weight: 0,
    }));
    const s = await resolveSeeds(
      seeds("dns:srv:_m._tcp.lan"),
      table({ "many.lan": many }, { "_m._tcp.lan": srv }),
    );
    expect(s.addresses).toHaveLength(256);
    expect(s.errors).toContain("dns:srv:_m._tcp.lan: 70 records, only 64 used");
    expect(s.errors).toContain("seeds: 4096 addresses, only the first 256 tried");
  });
});

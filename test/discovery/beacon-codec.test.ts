import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Beacon, decodeBeacon, encodeBeacon, MAX_BEACON_BYTES } from "../../src/discovery/index.js";
import { Keyring } from "../../src/overlay/index.js";
import { SeededRng } from "../../src/transport/index.js";

const beacon: Beacon = { cluster: "prod", node: "n1", address: "10.0.0.1:7946", members: 3 };
const key = () => new Keyring([randomBytes(32)]);

describe("beacon codec", () => {
  it("round-trips plaintext and sealed beacons, IPv6 addresses and long fields", () => {
    expect(decodeBeacon(encodeBeacon(beacon, null), "prod", null)).toEqual({ ok: true, beacon });
    const keys = key();
    const sealed = encodeBeacon(beacon, keys);
    expect(decodeBeacon(sealed, "prod", keys)).toEqual({ ok: true, beacon });
    const big: Beacon = {
      cluster: "c".repeat(128),
      node: "n".repeat(128),
      address: "[fe80::1%eth0]:65535",
      members: 70_000,
    };
    const bytes = encodeBeacon(big, keys);
    expect(bytes.length).toBeLessThanOrEqual(MAX_BEACON_BYTES);
    expect(decodeBeacon(bytes, big.cluster, keys)).toEqual({ ok: true, beacon: { ...big, members: 65535 } });
  });

  it("the cluster name is in the clear, the node and address are not when sealed", () => {
    const sealed = Buffer.from(encodeBeacon(beacon, key()));
    expect(sealed.includes("prod")).toBe(true);
    expect(sealed.includes("10.0.0.1")).toBe(false);
    expect(Buffer.from(encodeBeacon(beacon, null)).includes("10.0.0.1:7946")).toBe(true);
  });

  it("accepts beacons under any installed key (rotation)", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const sender = new Keyring([oldKey]);
    const receiver = new Keyring([newKey, oldKey]);
    expect(decodeBeacon(encodeBeacon(beacon, sender), "prod", receiver).ok).toBe(true);
  });

  it("drops a beacon of another cluster, key or encryption mode, naming why", () => {
    const keys = key();
    expect(decodeBeacon(encodeBeacon(beacon, keys), "prod", key())).toEqual({
      ok: false,
      reason: "bad-auth",
    });
    expect(decodeBeacon(encodeBeacon(beacon, keys), "staging", keys)).toEqual({
      ok: false,
      reason: "other-cluster",
    });
    expect(decodeBeacon(encodeBeacon(beacon, null), "prodx", null)).toEqual({
      ok: false,
      reason: "other-cluster",
    });
    expect(decodeBeacon(encodeBeacon(beacon, keys), "prod", null)).toEqual({ ok: false, reason: "no-key" });
    expect(decodeBeacon(encodeBeacon(beacon, null), "prod", keys)).toEqual({ ok: false, reason: "unsealed" });
  });

  it("a sealed beacon whose header was altered does not open (the label is authenticated)", () => {
    const keys = key();
    const a = encodeBeacon({ ...beacon, cluster: "aaaa" }, keys);
    const forged = Uint8Array.from(a);
    forged.set(Buffer.from("prod"), 5);
    expect(decodeBeacon(forged, "prod", keys)).toEqual({ ok: false, reason: "bad-auth" });
    const unsealed = Uint8Array.from(encodeBeacon(beacon, keys));
    unsealed[3] = 0;
    expect(decodeBeacon(unsealed, "prod", null).ok).toBe(false);
  });

  it("every truncation of a beacon is dropped, never thrown", () => {
    const keys = key();
    for (const [bytes, k] of [
      [encodeBeacon(beacon, null), null],
      [encodeBeacon(beacon, keys), keys],
    ] as const) {
      for (let n = 0; n < bytes.length; n++) {
        const r = decodeBeacon(bytes.subarray(0, n), "prod", k);
        expect(r.ok, `length ${n}`).toBe(false);
        if (!r.ok) expect(["truncated", "bad-auth"]).toContain(r.reason);
      }
    }
  });

  it.each([
    ["oversized", new Uint8Array(MAX_BEACON_BYTES + 1).fill(0x48)],
    ["bad-magic", Buffer.from("GET / HTTP/1.1\r\n\r\n")],
    ["bad-version", Uint8Array.from([0x48, 0x42, 2, 0, 4, ...Buffer.from("prod")])],
    ["malformed", Uint8Array.from([0x48, 0x42, 1, 0x80, 4, ...Buffer.from("prod")])],
    ["malformed", Uint8Array.from([0x48, 0x42, 1, 0, 0])],
    ["malformed", Uint8Array.from([0x48, 0x42, 1, 0, 200, ...Buffer.from("prod")])],
    ["truncated", Uint8Array.from([0x48, 0x42, 1, 0, 4, ...Buffer.from("pro")])],
    ["truncated", Uint8Array.from([0x48, 0x42, 1, 0, 4, ...Buffer.from("prod")])],
  ])("drops %s input", (reason, bytes) => {
    expect(decodeBeacon(bytes, "prod", null)).toEqual({ ok: false, reason });
  });

  const plain = (payload: number[]) =>
    Uint8Array.from([0x48, 0x42, 1, 0, 4, ...Buffer.from("prod"), ...payload]);
  const field = (s: string | Uint8Array) => [Buffer.from(s).length, ...Buffer.from(s)];
  it.each([
    ["trailing bytes", plain([...field("n1"), ...field("10.0.0.1:7946"), 0, 1, 9])],
    ["a zero-length node name", plain([0, ...field("10.0.0.1:7946"), 0, 1])],
    ["a node name that is not one", plain([...field("bad name!"), ...field("10.0.0.1:7946"), 0, 1])],
    ["invalid UTF-8", plain([...field(Uint8Array.from([0xff, 0xfe])), ...field("10.0.0.1:7946"), 0, 1])],
    ["an address without a port", plain([...field("n1"), ...field("10.0.0.1"), 0, 1])],
    ["port 0", plain([...field("n1"), ...field("10.0.0.1:0"), 0, 1])],
    ["port 70000", plain([...field("n1"), ...field("10.0.0.1:70000"), 0, 1])],
    ["a field over 128 bytes", plain([...field("n1"), 129, ...Buffer.alloc(129, 0x61), 0, 1])],
  ])("drops a payload with %s as malformed", (_what, bytes) => {
    expect(decodeBeacon(bytes, "prod", null)).toEqual({ ok: false, reason: "malformed" });
  });

  it("survives random garbage and bit flips (seeded fuzz)", () => {
    const rng = new SeededRng(9);
    const keys = key();
    const valid = [encodeBeacon(beacon, null), encodeBeacon(beacon, keys)];
    for (let i = 0; i < 5_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = Uint8Array.from({ length: rng.int(600) }, () => rng.int(256));
        if (i % 4 === 0 && bytes.length > 9)
          bytes.set([0x48, 0x42, 1, rng.int(2), 4, 0x70, 0x72, 0x6f, 0x64]);
      } else {
        bytes = Uint8Array.from(valid[rng.int(2)]!);
        for (let f = 0; f <= rng.int(4); f++) {
          const at = rng.int(bytes.length);
          bytes[at] = bytes[at]! ^ (1 << rng.int(8));
        }
      }
      for (const k of [null, keys]) {
        const r = decodeBeacon(bytes, "prod", k);
        if (r.ok) {
          expect(r.beacon.cluster).toBe("prod");
          expect(r.beacon.address).toMatch(/:\d+$/);
        }
      }
    }
  });

  it("refuses to encode fields outside the limits", () => {
    expect(() => encodeBeacon({ ...beacon, node: "" }, null)).toThrow();
    expect(() => encodeBeacon({ ...beacon, cluster: "x".repeat(129) }, null)).toThrow();
  });
});

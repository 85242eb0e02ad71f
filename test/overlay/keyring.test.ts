import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Keyring } from "../../src/overlay/index.js";
import { ReplayCache } from "../../src/overlay/internal.js";

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe("keyring", () => {
  it("seals with the primary key and opens with any installed key", () => {
    const a = new Keyring([k1]);
    const b = new Keyring([k2]);
    b.install(k1);
    const env = a.seal(Buffer.from("hello"), "prod");
    const r = b.open(env, "prod");
    expect(r.ok && Buffer.from(r.plaintext).toString()).toBe("hello");
  });

  it("drops a wrong key, a wrong label, a flipped bit and a truncated envelope", () => {
    const a = new Keyring([k1]);
    const env = a.seal(Buffer.from("hello"), "prod");
    expect(new Keyring([k2]).open(env, "prod")).toEqual({ ok: false, error: "no-key-matched" });
    expect(a.open(env, "staging")).toEqual({ ok: false, error: "no-key-matched" });
    const flipped = Uint8Array.from(env);
    flipped[20] = (flipped[20] as number) ^ 1;
    expect(a.open(flipped, "prod")).toEqual({ ok: false, error: "no-key-matched" });
    expect(a.open(env.subarray(0, 10), "prod")).toEqual({ ok: false, error: "truncated" });
    expect(a.open(Uint8Array.of(1, 2, 3), "prod")).toEqual({ ok: false, error: "not-encrypted" });
  });

  it("uses a fresh nonce for every packet", () => {
    const a = new Keyring([k1]);
    const x = a.seal(Buffer.from("same"), "");
    const y = a.seal(Buffer.from("same"), "");
    expect(Buffer.from(x).equals(Buffer.from(y))).toBe(false);
  });

  it("installs, switches and removes keys; never removes the primary", () => {
    const r = new Keyring([k1]);
    expect(r.install(randomBytes(16))).toBe("bad-key-length");
    expect(r.install(k2)).toBeNull();
    expect(r.remove(k1)).toBe("primary-key");
    expect(r.use(k2)).toBeNull();
    expect(Buffer.from(r.primary() as Uint8Array).equals(k2)).toBe(true);
    expect(r.remove(k1)).toBeNull();
    expect(r.list()).toHaveLength(1);
    expect(r.use(k1)).toBe("unknown-key");
  });

  it("replay cache admits a nonce once and forgets the oldest beyond capacity", () => {
    const c = new ReplayCache(2);
    const n = (i: number): Uint8Array => Uint8Array.of(i);
    expect(c.admit(n(1))).toBe(true);
    expect(c.admit(n(1))).toBe(false);
    c.admit(n(2));
    c.admit(n(3));
    expect(c.admit(n(1))).toBe(true);
  });
});

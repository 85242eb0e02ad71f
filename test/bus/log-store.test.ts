import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileLogStore, MemoryLogStore, type Digest, type LogStore } from "../../src/bus/index.js";
import { streamKey } from "../../src/bus/internal.js";

const K = streamKey("o", 1, "T");
const d = (typeSeq: number, over: Partial<Digest> = {}): Digest => ({
  type: "T",
  origin: "o",
  epoch: 1,
  seq: typeSeq * 2,
  typeSeq,
  publishTimeMs: 1000 + typeSeq,
  payload: new Uint8Array(100),
  headers: {},
  ...over,
});
const limits = { maxDigests: 100, maxBytes: 1 << 30, maxAgeMs: 3_600_000 };
const dirs: string[] = [];
afterAll(() => dirs.forEach((x) => rmSync(x, { recursive: true, force: true })));
const tempDir = (): string => {
  const x = mkdtempSync(join(tmpdir(), "hearsay-log-"));
  dirs.push(x);
  return x;
};

function contract(name: string, make: (l: typeof limits) => LogStore): void {
  describe(`${name}: retention bounds`, () => {
    it("evicts the oldest beyond maxDigests; the floor remembers where the stream stood", () => {
      const s = make({ ...limits, maxDigests: 10 });
      for (let i = 1; i <= 25; i++) expect(s.append(d(i), 0)).toBe(true);
      expect(s.count).toBe(10);
      expect(s.stream(K)?.floor).toEqual({ typeSeq: 15, seq: 30, publishTimeMs: 1015 });
      expect(s.stream(K)?.last?.typeSeq).toBe(25);
      expect(s.read(K, 0, 100, Infinity).map((x) => x.typeSeq)).toEqual([
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
      ]);
      expect(s.append(d(20), 0)).toBe(false); // not above the last: refused
      s.close();
    });

    it("evicts by bytes and by age", () => {
      const s = make({ ...limits, maxBytes: 5 * (100 + 1 + 1 + 32) });
      for (let i = 1; i <= 8; i++) s.append(d(i), i * 1000);
      expect(s.count).toBe(5);
      expect(s.bytes).toBeLessThanOrEqual(5 * 134);
      const a = make({ ...limits, maxAgeMs: 10_000 });
      for (let i = 1; i <= 8; i++) a.append(d(i), i * 1000);
      expect(a.evict(14_500)).toBe(4); // stored at 1..4 s are older than 10 s
      expect(a.read(K, 0, 100, Infinity)[0]?.typeSeq).toBe(5);
      s.close();
      a.close();
    });

    it("reads bounded by count and bytes (at least one), finds by sequence and by time", () => {
      const s = make(limits);
      for (let i = 1; i <= 20; i++) s.append(d(i), 0);
      expect(s.read(K, 5, 3, Infinity).map((x) => x.typeSeq)).toEqual([6, 7, 8]);
      expect(s.read(K, 5, 100, 250).length).toBe(1);
      expect(s.atOrBefore(K, 10)?.seq).toBe(20);
      expect(s.atOrBefore(K, 0)).toBeUndefined();
      const t = make(limits);
      for (let i = 1; i <= 20; i++) t.append(d(i), 1000 + i);
      expect(t.firstStoredAtOrAfter(K, 1010)?.typeSeq).toBe(10);
      expect(t.firstStoredAtOrAfter(K, 9999)).toBeUndefined();
      t.close();
      s.close();
    });
  });
}

contract("MemoryLogStore", (l) => new MemoryLogStore(l));
contract("FileLogStore", (l) => {
  const r = FileLogStore.open(tempDir(), 0, l);
  if (!r.ok) throw new Error(r.error);
  return r.store;
});

describe("FileLogStore survives restart", () => {
  it("replays entries, floors and the origin's heads; drops segments and cuts a torn tail", () => {
    const dir = tempDir();
    const open = (now = 0): FileLogStore => {
      const r = FileLogStore.open(dir, now, { ...limits, maxDigests: 50 }, { segmentBytes: 2000 });
      if (!r.ok) throw new Error(r.error);
      return r.store;
    };
    const a = open();
    for (let i = 1; i <= 120; i++) a.append(d(i, { headers: i % 2 ? { k: "v" } : {} }), i);
    a.setFloor("p", 1, "U", { typeSeq: 7, seq: 70, publishTimeMs: 5 });
    a.close();
    const segments = readdirSync(dir).length;
    expect(segments).toBeLessThan(20); // old segments deleted as their entries were evicted

    const b = open();
    expect(b.count).toBe(50);
    expect(b.stream(K)?.last?.typeSeq).toBe(120);
    expect(b.stream(K)?.floor.typeSeq).toBe(70);
    expect(b.read(K, 70, 1, Infinity)[0]).toMatchObject({ typeSeq: 71, headers: { k: "v" } });
    expect(b.stream(streamKey("p", 1, "U"))?.floor).toEqual({ typeSeq: 7, seq: 70, publishTimeMs: 5 });
    b.close();

    // A crash mid-write leaves half a record: cut off, everything before it kept.
    const last = readdirSync(dir).sort().pop() as string;
    appendFileSync(join(dir, last), Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    const size = statSync(join(dir, last)).size;
    const c = open();
    expect(c.damagedRecords).toBe(1);
    expect(statSync(join(dir, last)).size).toBe(size - 7);
    expect(c.stream(K)?.last?.typeSeq).toBe(120);
    c.append(d(121), 0);
    c.close();
    truncateSync(join(dir, readdirSync(dir).sort().pop() as string), 3);
    const e = open();
    expect(e.stream(K)?.last?.typeSeq).toBeGreaterThanOrEqual(120);
    e.close();
  });

  it("a stream whose entries all went with deleted segments keeps its head as floor", () => {
    const dir = tempDir();
    const r = FileLogStore.open(dir, 0, { ...limits, maxDigests: 10 }, { segmentBytes: 500 });
    if (!r.ok) throw new Error(r.error);
    r.store.append(d(1, { origin: "me", seq: 1 }), 0);
    r.store.append(d(2, { origin: "me", seq: 5 }), 0);
    for (let i = 1; i <= 40; i++) r.store.append(d(i), 0);
    r.store.close();
    const again = FileLogStore.open(dir, 0, { ...limits, maxDigests: 10 }, { segmentBytes: 500 });
    if (!again.ok) throw new Error(again.error);
    const me = again.store.stream(streamKey("me", 1, "T"));
    expect(me?.count).toBe(0);
    expect(me?.floor).toMatchObject({ typeSeq: 2, seq: 5 });
    again.store.close();
  });

  it("reports an unusable directory as an error naming it", () => {
    const file = join(tempDir(), "a-file");
    appendFileSync(file, "x");
    const r = FileLogStore.open(join(file, "log"), 0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/a-file\/log/);
  });
});

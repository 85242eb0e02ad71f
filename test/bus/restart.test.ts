import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
  FileLogStore,
  MemoryLogStore,
  type Cursor,
  type Digest,
  type LogStore,
} from "../../src/bus/index.js";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

it("a gateway restarted mid-stream (file store in a temp dir) resumes a cursor without losing or repeating", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearsay-bus-restart-"));
  dirs.push(dir);
  const stores = new Map<string, LogStore>();
  let c: BusCluster | null = null;
  const storeFor = (name: string): LogStore => {
    let s: LogStore;
    if (name === "n3" || name === "n1") {
      const r = FileLogStore.open(join(dir, name), c?.sim.nowMs() ?? 0);
      if (!r.ok) throw new Error(r.error);
      s = r.store;
    } else s = new MemoryLogStore();
    stores.set(name, s);
    return s;
  };
  c = new BusCluster({ seed: seedFor(303), loss: 0.05, store: storeFor });
  const names = nodeNames(5);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  const sub = (n: string, resumeFrom?: Cursor): Collector => {
    const r = c.bus(n).subscribe({ types: ["ticks"], resumeFrom });
    if (!r.ok) throw new Error(r.error.message);
    return new Collector(r.subscription);
  };
  const before = sub("n3");
  const witness = sub("n4");
  c.sim.runFor("3s");
  const N = 1000;
  for (let i = 0; i < N; i++) {
    c.sim.at(c.sim.nowMs() + i * 10, () =>
      c.bus("n1").publish({ type: "ticks", payload: new Uint8Array([1, 2, 3]) }),
    );
  }
  c.sim.runFor("3s");
  // The subscriber's client keeps its cursor; the gateway process dies.
  // It had processed all but the last 20 it was sent: those must come again from the restarted log.
  const got: Digest[] = before.digests.slice(0, before.digests.length - 20);
  expect(got.length).toBeGreaterThan(100);
  const last = got[got.length - 1] as Digest;
  const cursor = { positions: [{ origin: "n1", type: "ticks", epoch: last.epoch, sequence: last.typeSeq }] };
  expect(before.sub.cursor().positions[0]?.sequence).toBe(last.typeSeq + 20);
  c.crash("n3");
  stores.get("n3")?.close();
  c.sim.runFor("2s");
  c.restart("n3", "n1");
  c.sim.runFor("500ms");
  const after = sub("n3", cursor);
  const ok = c.sim.runUntil(
    () => got.length + after.digests.length >= N && witness.digests.length >= N,
    "60s",
  );
  c.sim.runFor("2s");
  const all = [...got, ...after.digests].map((d) => d.seq);
  console.log(
    `restart: ${got.length} before the crash, ${after.digests.length} after resuming at seq ${cursor.positions[0]?.sequence} (${c.replay})`,
  );
  expect(ok, c.replay).toBe(true);
  expect(after.gaps, c.replay).toEqual([]);
  expect(all, c.replay).toEqual(Array.from({ length: N }, (_, i) => i + 1));

  // The origin restarts too: its next sequence continues from the file store.
  c.crash("n1");
  stores.get("n1")?.close();
  c.restart("n1", "n2");
  c.sim.runFor("3s");
  const r = c.bus("n1").publish({ type: "ticks", payload: new Uint8Array([9]) });
  expect(r.ok && r.digest.seq, c.replay).toBe(N + 1);
  expect(r.ok && r.digest.typeSeq).toBe(N + 1);
  expect(
    c.sim.runUntil(() => after.digests.length + got.length === N + 1, "30s"),
    c.replay,
  ).toBe(true);
  stores.forEach((s) => s.close());
}, 60_000);

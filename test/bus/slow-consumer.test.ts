import { expect, it } from "vitest";
import type { GapNotice, SubscriptionItem } from "../../src/bus/index.js";
import { BusCluster, Collector, nodeNames, seedFor } from "./harness.js";

it("a subscriber that stops reading gets one gap notice while others continue at full speed", () => {
  const c = new BusCluster({ seed: seedFor(404) });
  const names = nodeNames(5);
  c.addMany(names);
  c.joinAll(names, "n1", 10);
  expect(
    c.sim.runUntil(() => c.allSeeAlive(names), "30s"),
    c.replay,
  ).toBe(true);
  const fastLocal = c.bus("n2").subscribe({ types: ["A"] });
  const slow = c.bus("n2").subscribe({ types: ["A"], maxQueued: 100 });
  const fastRemote = c.bus("n3").subscribe({ types: ["A"] });
  if (!fastLocal.ok || !slow.ok || !fastRemote.ok) throw new Error("subscribe failed");
  const fast = [new Collector(fastLocal.subscription), new Collector(fastRemote.subscription)];
  c.sim.runFor("3s");
  const N = 2000;
  const start = c.sim.nowMs();
  for (let i = 0; i < N; i++)
    c.sim.at(start + Math.floor(i / 20), () =>
      c.bus("n1").publish({ type: "A", payload: new Uint8Array(32) }),
    );
  const ok = c.sim.runUntil(() => fast.every((k) => k.digests.length === N), "10s", 10);
  const tookMs = c.sim.nowMs() - start;
  console.log(`slow consumer: fast subscribers got ${N} in ${tookMs} ms (${c.replay})`);
  expect(ok, c.replay).toBe(true);
  expect(tookMs).toBeLessThan(500); // publishing itself takes 100 ms
  for (const k of fast) expect(k.gaps).toEqual([]);

  const s = slow.subscription;
  // The caught-up marker (it subscribed before any digest), 99 digests, and the one notice.
  expect(s.queued).toBe(101);
  const items: SubscriptionItem[] = s.drain();
  expect(items[0]).toEqual({ kind: "caught-up", backlog: 0 });
  expect(items.slice(1, 100).every((i) => i.kind === "digest")).toBe(true);
  const notice = items[100];
  expect(notice?.kind).toBe("gap");
  const gap = (notice as { kind: "gap"; gap: GapNotice }).gap;
  const epoch = c.bus("n1").epoch;
  expect(gap.reason).toBe("SLOW_CONSUMER");
  expect(gap.ranges).toEqual([{ origin: "n1", epoch, type: "A", fromSeq: 100, toSeq: N }]);
  expect(gap.resumeFrom.positions).toEqual([{ origin: "n1", type: "A", epoch, sequence: N }]);
  expect(s.dropped).toBe(N - 99);

  // Never silent, and recoverable: a new subscription resuming from before the gap reads the rest from the log.
  const again = c.bus("n2").subscribe({
    types: ["A"],
    resumeFrom: [{ origin: "n1", type: "A", epoch, sequence: 99 }],
    maxQueued: 300,
  });
  if (!again.ok) throw new Error(again.error.message);
  const k = new Collector(again.subscription);
  c.sim.runFor("1s");
  expect(k.digests.map((d) => d.seq)).toEqual(Array.from({ length: N - 99 }, (_, i) => i + 100));
  expect(k.gaps).toEqual([]);
  expect(k.caughtUp).toBe(true);

  // After the notice the slow subscription is live again.
  c.bus("n1").publish({ type: "A", payload: new Uint8Array(1) });
  c.sim.runFor("100ms");
  expect(s.next()).toMatchObject({ kind: "digest", digest: { seq: N + 1 } });
}, 30_000);

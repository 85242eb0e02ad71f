// Real hosts, real faults (issue #15): 5 network namespaces on a bridge, one
// real gateway each, TypeScript and Python SDK clients inside them, and the
// faults of scenario.ts under continuous publishing. Every subscriber must end
// with every digest exactly once, in per-stream order. Run by `make test-netns`
// (root; skipped otherwise). HEARSAY_NETNS_STEPS=1,3 picks steps (default
// 1,2,3,4); HEARSAY_NETNS_RATE = digests/s per publisher (default 150);
// HEARSAY_NETNS_KEEP=1 keeps the temp dir (logs, data dirs, record files),
// which is kept anyway when the test fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clientsMissing } from "./clients.js";
import { Cluster } from "./cluster.js";
import { removeHosts, unavailableReason } from "./hosts.js";
import { killAllProcs, killAllProcsNow } from "./proc.js";
import { plannedSeconds, Scenario, type StepRecord } from "./scenario.js";
import { missingIn, type Row, table, tally } from "./tally.js";

const STEPS = new Set((process.env.HEARSAY_NETNS_STEPS ?? "1,2,3,4").split(",").map(Number));
const RATE_PER_S = Number(process.env.HEARSAY_NETNS_RATE ?? "150");
const HOST_COUNT = 5;
/** Waits after the last fault: publishers finishing, subscribers catching up, ms. */
const PUBLISH_END_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 90_000;
const DRAIN_STALL_MS = 20_000;
/** Time for duplicates to show after the counts are complete, ms. */
const SETTLE_MS = 3_000;
const TEST_TIMEOUT_MS = 6 * 60_000;

const skip = unavailableReason();
if (skip) console.log(`test/netns: skipped: ${skip}`);

let cleanedUp = false;
function cleanupNow(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  killAllProcsNow();
  removeHosts();
}

describe.skipIf(skip !== null)("real hosts, real faults (network namespaces)", () => {
  process.once("exit", cleanupNow);
  afterAll(async () => {
    await killAllProcs();
    cleanupNow();
  });

  it(
    `steps ${[...STEPS].join(",")}: every subscriber gets every digest exactly once, in order`,
    async () => {
      const missing = clientsMissing();
      if (missing) throw new Error(missing);
      const t0 = performance.now();
      const root = mkdtempSync(join(tmpdir(), "hearsay-netns-"));
      const count = Math.round(RATE_PER_S * plannedSeconds(STEPS));
      const c = new Cluster({
        root,
        hostCount: HOST_COUNT,
        run: `netns-${Date.now()}`,
        ratePerS: RATE_PER_S,
        countPerPublisher: count,
        log: (m) => console.log(m),
      });
      c.log(`temp dir ${root}; ${count} digests per publisher at ${RATE_PER_S}/s`);
      await c.up();
      c.log(`${HOST_COUNT} gateways up and converged`);
      await c.startClients();
      c.log(`${c.subscribers.length} subscribers and ${c.publishers.length} publishers ready`);
      const scenario = new Scenario(c, STEPS);
      await scenario.run();
      await Promise.all(c.publishers.map((p) => p.next("done", PUBLISH_END_TIMEOUT_MS).catch(() => null)));
      const published = new Map(c.publishers.map((p) => [p.name, p.published]));
      const expected = [...published.values()].reduce((a, b) => a + b, 0);
      c.log(`publishers done: ${[...published].map(([p, n]) => `${p} ${n}`).join(", ")}; draining`);
      const drainMs = await c.drain(expected, DRAIN_STALL_MS, DRAIN_TIMEOUT_MS);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      await Promise.all(c.subscribers.map((s) => s.stop().catch(() => {})));

      const rows: Row[] = c.subscribers.map((s) => ({
        subscriber: s.name,
        host: s.gateway.host.name,
        sdk: s.sdk,
        tally: tally(join(root, `records-${s.name}.txt`), published),
      }));
      const report = [
        table(rows),
        "",
        ...scenario.records.map((r) => stepLine(r, rows)),
        `publishers: ${c.publishers.map((p) => `${p.name} (${p.sdk}) ${p.published}, ${p.failedPublishes} failed publishes`).join("; ")}`,
        `drain ${(drainMs / 1000).toFixed(1)} s; total ${((performance.now() - t0) / 1000).toFixed(0)} s; logs in ${root}`,
      ].join("\n");
      console.log(report);

      const failures = [
        ...rows
          .filter((r) => r.tally.missing || r.tally.duplicates || r.tally.outOfOrder || r.tally.gapNotices)
          .map(
            (r) =>
              `${r.subscriber}: ${r.tally.missing} missing, ${r.tally.duplicates} dup, ${r.tally.outOfOrder} out of order, ${r.tally.gapNotices} gap notices`,
          ),
        ...scenario.records.flatMap((r) => r.errors.map((e) => `step ${r.step}: ${e}`)),
        ...c.publishers
          .filter((p) => p.failedPublishes > 0)
          .map((p) => `${p.name}: ${p.failedPublishes} failed publishes`),
      ];
      const keep = failures.length > 0 || process.env.HEARSAY_NETNS_KEEP === "1";
      if (!keep) rmSync(root, { recursive: true, force: true });
      expect(failures, report).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});

/** One step's outcome: its notes and the digests published during it that subscribers lack. */
function stepLine(r: StepRecord, rows: readonly Row[]): string {
  const lost = Object.keys(r.from).map((pub) => {
    const n = rows.reduce((a, row) => a + missingIn(row.tally, pub, r.from[pub]!, r.to[pub] ?? Infinity), 0);
    return `${pub} [${r.from[pub]}, ${r.to[pub]}) missing ${n}`;
  });
  const when = `${r.startS.toFixed(0)}-${r.endS.toFixed(0)} s`;
  return `step ${r.step} (${r.what}, ${when}): ${lost.join(", ")}; ${[...r.notes, ...r.errors].join("; ")}`;
}

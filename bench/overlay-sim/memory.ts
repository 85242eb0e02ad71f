// Heap per simulated node: V8 heap after GC with a converged N-node cluster
// alive, minus the heap before it was built, divided by N. With shared strings
// (N = 10,000), also one node alone holding an N-member table with its own
// copies of every name and address, as a separate process would.
import type { Row } from "./report.js";
import { SimCluster, nodeNames } from "./sim-cluster.js";

export interface MemoryOptions {
  sizes: number[];
  seed: number;
  warmupMs: number;
  /** Size to project to when it was not measured (marked as extrapolated). */
  projectTo: number;
  /** SimClusterOptions.shareStrings; adds the one-node measurement. */
  shareStrings: boolean;
  log: (line: string) => void;
}

export interface MemoryRun {
  n: number;
  heapDeltaBytes: number;
  perNodeBytes: number;
  /** Heap per (node, member entry) pair: each node holds N entries. */
  perEntryBytes: number;
  rssBytes: number;
  gcExact: boolean;
  buildWallMs: number;
}

function gcNow(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  gc();
  return true;
}

function measure(n: number, o: MemoryOptions): MemoryRun {
  const gcExact = gcNow();
  const before = process.memoryUsage().heapUsed;
  const t0 = Date.now();
  let c: SimCluster | null = new SimCluster({ seed: o.seed, loss: 0, shareStrings: o.shareStrings });
  c.addConverged(nodeNames(n));
  c.sim.runFor(o.warmupMs);
  const buildWallMs = Date.now() - t0;
  gcNow();
  const mem = process.memoryUsage();
  const delta = mem.heapUsed - before;
  if (c.nodes.size !== n) throw new Error("cluster lost nodes");
  c = null; // drop it before the next size
  return {
    n,
    heapDeltaBytes: delta,
    perNodeBytes: delta / n,
    perEntryBytes: delta / (n * n),
    rssBytes: mem.rss,
    gcExact,
    buildWallMs,
  };
}

/** Heap of one node whose table lists N members (fed at once, no time run: nobody else exists). */
function measureOne(n: number, o: MemoryOptions): number {
  gcNow();
  const before = process.memoryUsage().heapUsed;
  let c: SimCluster | null = new SimCluster({ seed: o.seed, loss: 0 });
  const names = nodeNames(n);
  c.add(names[0] as string);
  c.seed(names, [names[0] as string]);
  gcNow();
  const delta = process.memoryUsage().heapUsed - before;
  if (c.node(names[0] as string).overlay.members().length !== n) throw new Error("one-node table incomplete");
  c = null;
  return delta;
}

const MB = 2 ** 20;

export function runMemory(o: MemoryOptions): { rows: Row[]; runs: MemoryRun[] } {
  const runs: MemoryRun[] = [];
  const rows: Row[] = [];
  for (const n of [...o.sizes].sort((a, b) => a - b)) {
    if (o.shareStrings) {
      const one = measureOne(n, o);
      o.log(`memory N=${n}: one node alone with its own strings: ${(one / 1024).toFixed(1)} KiB`);
      rows.push({
        bench: "memory",
        case: `N=${n}, one node`,
        metric: "heap of one node",
        value: one / 1024,
        unit: "KiB",
        note: "its N-member table with its own copy of every name and address",
      });
    }
    const r = measure(n, o);
    runs.push(r);
    o.log(
      `memory N=${n}: heap +${(r.heapDeltaBytes / MB).toFixed(0)} MB, ${(r.perNodeBytes / 1024).toFixed(1)} KiB/node, ` +
        `${r.perEntryBytes.toFixed(0)} B/entry, rss ${(r.rssBytes / MB).toFixed(0)} MB (build ${r.buildWallMs} ms wall)`,
    );
    const shared = o.shareStrings ? "; names and addresses shared by all nodes" : "";
    const note = r.gcExact
      ? `${r.perEntryBytes.toFixed(0)} B per member entry${shared}`
      : "no --expose-gc: approximate";
    rows.push(
      {
        bench: "memory",
        case: `N=${n} simulated`,
        metric: "heap per node",
        value: r.perNodeBytes / 1024,
        unit: "KiB",
        note,
      },
      {
        bench: "memory",
        case: `N=${n} simulated`,
        metric: "heap, whole cluster",
        value: r.heapDeltaBytes / MB,
        unit: "MiB",
      },
    );
  }
  const p = project(runs, o.projectTo);
  if (p !== null) {
    rows.push(
      {
        bench: "memory",
        case: `N=${o.projectTo} EXTRAPOLATED`,
        metric: "heap per node",
        value: p.perNode / 1024,
        unit: "KiB",
        note: p.how,
      },
      {
        bench: "memory",
        case: `N=${o.projectTo} EXTRAPOLATED`,
        metric: "heap, whole cluster",
        value: (p.perNode * o.projectTo) / MB,
        unit: "MiB",
        note: "not measured",
      },
    );
  }
  return { rows, runs };
}

/** Per node = a + b N (fixed part + one entry per member), fitted through the two largest sizes. */
function project(runs: MemoryRun[], n: number): { perNode: number; how: string } | null {
  if (runs.some((r) => r.n >= n) || runs.length === 0) return null;
  const s = [...runs].sort((a, b) => b.n - a.n);
  const hi = s[0] as MemoryRun;
  const lo = s[1];
  if (lo === undefined || lo.n === hi.n) {
    return {
      perNode: hi.perEntryBytes * n,
      how: `${hi.perEntryBytes.toFixed(0)} B/entry x N (from N=${hi.n})`,
    };
  }
  const b = (hi.perNodeBytes - lo.perNodeBytes) / (hi.n - lo.n);
  const a = hi.perNodeBytes - b * hi.n;
  return {
    perNode: a + b * n,
    how: `a + b N fit on N=${lo.n},${hi.n}: a=${(a / 1024).toFixed(1)} KiB, b=${b.toFixed(0)} B`,
  };
}

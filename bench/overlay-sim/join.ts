// Join convergence: N-1 converged nodes, one new node joins through one
// member; simulated time until 99.99% and 100% of the N-1 list it alive.
import { serfConvergenceS } from "./anchors.js";
import type { Row } from "./report.js";
import { SimCluster, nodeNames } from "./sim-cluster.js";
import { max, median, reachedBy } from "./stats.js";

export interface JoinOptions {
  sizes: number[];
  lossPcts: number[];
  runs: number;
  seed: number;
  /** Simulated settling time after seeding, before the join. */
  warmupMs: number;
  /** Simulated time a join may take before the run counts as not converged. */
  limitMs: number;
  wallLimitMs: number;
  /** Size to project to from the measured sizes when it was not measured itself (rows marked EXTRAPOLATED). */
  projectTo: number;
  /**
   * Build one converged cluster per (N, seed) and measure every loss level on it
   * in turn (a new joiner each time, after warmupMs at the new loss), instead of
   * one cluster per loss level. For N = 10,000, where a build takes minutes.
   */
  shareCluster: boolean;
  /** SimClusterOptions.shareStrings. */
  shareStrings: boolean;
  log: (line: string) => void;
}

export interface JoinRun {
  n: number;
  lossPct: number;
  seed: number;
  /** Simulated ms from join() until 99.99% / 100% of the N-1 members listed the new node (null = not within the limit). */
  t9999Ms: number | null;
  t100Ms: number | null;
  informed: number;
  buildWallMs: number;
  runWallMs: number;
  heapUsedMB: number;
}

interface Built {
  c: SimCluster;
  names: string[];
  buildWallMs: number;
}

function build(n: number, lossPct: number, seed: number, o: JoinOptions): Built {
  const t0wall = Date.now();
  const c = new SimCluster({ seed, loss: lossPct / 100, shareStrings: o.shareStrings });
  const names = nodeNames(n - 1);
  c.addConverged(names);
  c.sim.runFor(o.warmupMs);
  return { c, names, buildWallMs: Date.now() - t0wall };
}

/** One new node `joiner` joins through a member; how long until the N-1 `names` list it alive. */
function measure(
  b: Built,
  n: number,
  lossPct: number,
  seed: number,
  joiner: string,
  o: JoinOptions,
): JoinRun {
  const { c, names } = b;
  const heapUsedMB = process.memoryUsage().heapUsed / 2 ** 20;
  const learned: number[] = [];
  const seen = new Set<string>();
  const base = new Set(names); // earlier joiners (shareCluster) learn too, but are not counted
  c.onEvents((observer, e) => {
    if (e.type !== "join" || e.member.name !== joiner || seen.has(observer) || !base.has(observer)) return;
    seen.add(observer);
    learned.push(e.atMs - t0);
  });
  const via = names[seed % names.length] as string;
  const t0 = c.sim.nowMs();
  c.add(joiner).overlay.join([SimCluster.address(via)]);
  const t1wall = Date.now();
  c.runUntil(() => learned.length >= names.length, o.limitMs, 10, o.wallLimitMs);
  learned.sort((a, b) => a - b);
  return {
    n,
    lossPct,
    seed,
    t9999Ms: reachedBy(learned, 0.9999, names.length),
    t100Ms: reachedBy(learned, 1, names.length),
    informed: learned.length,
    buildWallMs: b.buildWallMs,
    runWallMs: Date.now() - t1wall,
    heapUsedMB,
  };
}

export function joinOnce(n: number, lossPct: number, seed: number, o: JoinOptions): JoinRun {
  return measure(build(n, lossPct, seed, o), n, lossPct, seed, "joiner", o);
}

/** Every loss level on one cluster per seed: set the loss, settle, join a fresh node. */
function joinShared(n: number, seed: number, o: JoinOptions): JoinRun[] {
  const first = o.lossPcts[0] ?? 0;
  const b = build(n, first, seed, o);
  return o.lossPcts.map((loss, i) => {
    if (i > 0) {
      b.c.sim.setConditions({ loss: loss / 100 });
      b.c.sim.runFor(o.warmupMs);
      b.buildWallMs = 0;
    }
    return measure(b, n, loss, seed, `joiner-${loss}`, o);
  });
}

function logRun(r: JoinRun, o: JoinOptions): void {
  o.log(
    `join N=${r.n} loss=${r.lossPct}% seed=${r.seed}: 99.99% ${fmtS(r.t9999Ms)}, 100% ${fmtS(r.t100Ms)}` +
      ` (${r.informed}/${r.n - 1}; build ${r.buildWallMs} ms, run ${r.runWallMs} ms wall, heap ${Math.round(r.heapUsedMB)} MB)`,
  );
}

export function runJoin(o: JoinOptions): { rows: Row[]; runs: JoinRun[] } {
  const runs: JoinRun[] = [];
  const rows: Row[] = [];
  for (const n of o.sizes) {
    const mine: JoinRun[] = [];
    if (o.shareCluster) {
      for (let i = 0; i < o.runs; i++) {
        for (const r of joinShared(n, o.seed + i, o)) {
          logRun(r, o);
          mine.push(r);
        }
      }
    } else {
      for (const loss of o.lossPcts) {
        for (let i = 0; i < o.runs; i++) {
          const r = joinOnce(n, loss, o.seed + i, o);
          logRun(r, o);
          mine.push(r);
        }
      }
    }
    runs.push(...mine);
    for (const loss of o.lossPcts)
      rows.push(
        ...joinRows(
          n,
          loss,
          mine.filter((r) => r.lossPct === loss),
        ),
      );
  }
  if (!o.sizes.includes(o.projectTo)) rows.push(...o.lossPcts.flatMap((l) => project(runs, l, o.projectTo)));
  return { rows, runs };
}

/** Epidemic spread takes O(log N) rounds: fit median 100% time = a + b log10 N by least squares. */
function project(runs: JoinRun[], lossPct: number, n: number): Row[] {
  const pts = [...new Set(runs.filter((r) => r.lossPct === lossPct).map((r) => r.n))].flatMap((size) => {
    const ts = runs.filter((r) => r.lossPct === lossPct && r.n === size && r.t100Ms !== null);
    return ts.length === 0
      ? []
      : [{ x: Math.log10(size), y: median(ts.map((r) => r.t100Ms as number)) / 1000 }];
  });
  if (pts.length < 2) return [];
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const b =
    pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const a = my - b * mx;
  return [
    {
      bench: "join",
      case: `N=${n} loss=${lossPct}% EXTRAPOLATED`,
      metric: "100% know median",
      value: a + b * Math.log10(n),
      unit: "s",
      anchor: serfConvergenceS(n, lossPct / 100),
      anchorName: "Serf model",
      note: `a + b log10 N fit on N=${pts.map((p) => Math.round(10 ** p.x)).join(",")}; not measured`,
    },
  ];
}

function fmtS(ms: number | null): string {
  return ms === null ? "not reached" : `${(ms / 1000).toFixed(3)} s`;
}

function joinRows(n: number, loss: number, runs: JoinRun[]): Row[] {
  const anchor = serfConvergenceS(n, loss / 100);
  const base = { bench: "join", case: `N=${n} loss=${loss}%`, unit: "s", samples: runs.length };
  const summary = (pick: (r: JoinRun) => number | null, label: string): Row[] => {
    const ok = runs.map(pick).filter((x): x is number => x !== null);
    const missing = runs.length - ok.length;
    const note = missing > 0 ? `${missing} run(s) not converged in limit` : undefined;
    const v = (x: number): number | null => (ok.length === 0 ? null : x / 1000);
    return [
      { ...base, metric: `${label} median`, value: v(median(ok)), anchor, anchorName: "Serf model", note },
      { ...base, metric: `${label} max`, value: v(max(ok)), anchor, anchorName: "Serf model", note },
    ];
  };
  return [...summary((r) => r.t9999Ms, "99.99% know"), ...summary((r) => r.t100Ms, "100% know")];
}

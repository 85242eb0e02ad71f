// Failure detection: crash one node of a converged cluster; simulated time to
// the first suspicion anywhere and until every other member lists it dead.
import { lanConfig } from "../../src/overlay/index.js";
import { memberlistDeadBoundMs, SWIM_FIRST_DETECTION_PERIODS } from "./anchors.js";
import type { Row } from "./report.js";
import { SimCluster, nodeNames } from "./sim-cluster.js";
import { max, median } from "./stats.js";

export interface FailureOptions {
  sizes: number[];
  /** Independent clusters (seeds) per size. */
  seeds: number;
  /** Crashes one after another in each cluster. */
  crashes: number;
  seed: number;
  warmupMs: number;
  /** Simulated time between one victim dead everywhere and the next crash. */
  gapMs: number;
  limitMs: number;
  wallLimitMs: number;
  log: (line: string) => void;
}

export interface FailureRun {
  n: number;
  seed: number;
  victim: string;
  /** Simulated ms from the crash; null = not within the limit. */
  firstSuspectMs: number | null;
  firstDeadMs: number | null;
  deadEverywhereMs: number | null;
  /** Suspicions of nodes that were up (should be 0 on a clean network). */
  falseSuspicions: number;
  wallMs: number;
}

interface Watch {
  victim: string;
  crashAt: number;
  firstSuspect: number | null;
  firstDead: number | null;
  lastDead: number;
  dead: Set<string>;
  falseSuspicions: number;
}

function watchFor(victim: string, crashAt: number): Watch {
  return {
    victim,
    crashAt,
    firstSuspect: null,
    firstDead: null,
    lastDead: 0,
    dead: new Set(),
    falseSuspicions: 0,
  };
}

function clusterRuns(n: number, seed: number, o: FailureOptions): FailureRun[] {
  const c = new SimCluster({ seed, loss: 0 });
  c.addConverged(nodeNames(n));
  c.sim.runFor(o.warmupMs);
  let w: Watch | null = null;
  c.onEvents((observer, e) => {
    if (w === null) return;
    const t = e.atMs - w.crashAt;
    if (e.type === "suspect" && e.member.name !== w.victim) w.falseSuspicions++;
    if (e.type === "suspect" && e.member.name === w.victim) w.firstSuspect ??= t;
    if (e.type === "fail" && e.member.name === w.victim && !w.dead.has(observer)) {
      w.dead.add(observer);
      w.firstDead ??= t;
      w.lastDead = Math.max(w.lastDead, t);
    }
  });
  const out: FailureRun[] = [];
  for (let i = 0; i < o.crashes; i++) {
    const up = c.running();
    const victim = up[(seed * 7919 + i * 104_729) % up.length]?.name as string;
    const watch = watchFor(victim, c.sim.nowMs());
    w = watch;
    const t0wall = Date.now();
    c.crash(victim);
    const done = c.runUntil(() => watch.dead.size >= up.length - 1, o.limitMs, 50, o.wallLimitMs);
    out.push({
      n,
      seed,
      victim,
      firstSuspectMs: watch.firstSuspect,
      firstDeadMs: watch.firstDead,
      deadEverywhereMs: done ? watch.lastDead : null,
      falseSuspicions: watch.falseSuspicions,
      wallMs: Date.now() - t0wall,
    });
    w = null;
    c.sim.runFor(o.gapMs);
  }
  return out;
}

export function runFailure(o: FailureOptions): { rows: Row[]; runs: FailureRun[] } {
  const rows: Row[] = [];
  const runs: FailureRun[] = [];
  for (const n of o.sizes) {
    const mine: FailureRun[] = [];
    for (let s = 0; s < o.seeds; s++) {
      const t0 = Date.now();
      const r = clusterRuns(n, o.seed + s, o);
      mine.push(...r);
      const fmt = (x: number | null): string => (x === null ? "-" : (x / 1000).toFixed(2));
      o.log(
        `failure N=${n} seed=${o.seed + s}: ` +
          r
            .map(
              (x) => `${x.victim} suspect ${fmt(x.firstSuspectMs)} s, dead-all ${fmt(x.deadEverywhereMs)} s`,
            )
            .join("; ") +
          ` (${Date.now() - t0} ms wall)`,
      );
    }
    runs.push(...mine);
    rows.push(...failureRows(n, mine));
  }
  return { rows, runs };
}

function failureRows(n: number, runs: FailureRun[]): Row[] {
  const cfg = lanConfig("x");
  const bound = memberlistDeadBoundMs(n, cfg.suspicionMult, cfg.probeIntervalMs);
  const swimS = (SWIM_FIRST_DETECTION_PERIODS * cfg.probeIntervalMs) / 1000;
  const base = { bench: "failure", case: `N=${n}`, unit: "s", samples: runs.length };
  const pick = (f: (r: FailureRun) => number | null): { xs: number[]; missing: number } => {
    const xs = runs.map(f).filter((x): x is number => x !== null);
    return { xs: xs.map((x) => x / 1000), missing: runs.length - xs.length };
  };
  const note = (missing: number): string | undefined =>
    missing > 0 ? `${missing} not within limit` : undefined;
  const sus = pick((r) => r.firstSuspectMs);
  const dead = pick((r) => r.deadEverywhereMs);
  const afterSuspect = pick((r) =>
    r.deadEverywhereMs === null || r.firstSuspectMs === null ? null : r.deadEverywhereMs - r.firstSuspectMs,
  );
  const falseSus = runs.reduce((a, r) => a + r.falseSuspicions, 0);
  const boundS = bound.boundMs / 1000;
  const fullS = boundS + swimS;
  return [
    {
      ...base,
      metric: "first suspicion median",
      value: median(sus.xs),
      anchor: swimS,
      anchorName: "SWIM 1.58 periods",
      note: note(sus.missing),
    },
    {
      ...base,
      metric: "first suspicion max",
      value: max(sus.xs),
      anchor: swimS,
      anchorName: "SWIM 1.58 periods",
    },
    {
      ...base,
      metric: "suspicion -> dead everywhere median",
      value: median(afterSuspect.xs),
      anchor: boundS,
      anchorName: `min timeout ${bound.minTimeoutMs / 1000} s + dissemination ${bound.disseminationMs / 1000} s`,
    },
    {
      ...base,
      metric: "suspicion -> dead everywhere max",
      value: max(afterSuspect.xs),
      anchor: boundS,
      anchorName: "memberlist bound",
    },
    {
      ...base,
      metric: "crash -> dead everywhere median",
      value: median(dead.xs),
      anchor: fullS,
      anchorName: "1.58 periods + bound",
      note: note(dead.missing),
    },
    {
      ...base,
      metric: "crash -> dead everywhere max",
      value: max(dead.xs),
      anchor: fullS,
      anchorName: "1.58 periods + bound",
      note: falseSus > 0 ? `${falseSus} false suspicions` : undefined,
    },
  ];
}

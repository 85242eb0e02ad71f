// One measured cluster life: build N-1 agents, then join propagation (the
// N-th agent), failure detection (SIGKILL) and leave propagation (graceful),
// each on a settled cluster. Timed in the bench process (performance.now()),
// from the events every agent reports, identically for both systems.
import type { ClusterDriver, DriverFactory, PortPlan } from "./driver.js";
import { sleep } from "./wait.js";

export type Metric = "join" | "join-from-spawn" | "fail" | "fail-first" | "leave";

/** Reference metrics first; the others are printed for information. */
export const METRICS: readonly { metric: Metric; label: string; reference: boolean }[] = [
  { metric: "join", label: "join propagation (first -> last agent to see it)", reference: true },
  { metric: "fail", label: "failure detection (SIGKILL -> last survivor reports failed)", reference: true },
  { metric: "leave", label: "leave propagation (signal -> last agent reports left)", reference: true },
  { metric: "join-from-spawn", label: "join, from process spawn (incl. start-up)", reference: false },
  { metric: "fail-first", label: "failure, SIGKILL -> first survivor reports failed", reference: false },
];

export interface Sample {
  readonly system: string;
  readonly channel: string;
  readonly size: number;
  readonly run: number;
  readonly metric: Metric;
  /** Milliseconds, or null when the scenario did not complete in time. */
  readonly ms: number | null;
  readonly note?: string;
}

export interface ScenarioOptions {
  /** Bound on each scenario and on each convergence wait. */
  readonly timeoutMs: number;
  /** Quiet time before each scenario, so earlier broadcasts have drained. */
  readonly settleMs: number;
}

export interface ClusterResult {
  readonly samples: Sample[];
  /** Milliseconds spent in each unmeasured phase (start-up, convergence), for diagnosis. */
  readonly phases: Record<string, number>;
}

/** Runs the three scenarios on a fresh cluster of `size` agents; never throws. */
export async function runCluster(
  factory: DriverFactory,
  size: number,
  run: number,
  ports: PortPlan,
  opts: ScenarioOptions,
): Promise<ClusterResult> {
  const driver = factory.create(ports);
  const samples: Sample[] = [];
  const phases: Record<string, number> = {};
  let phaseStart = performance.now();
  const phase = (name: string): void => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  const put = (channel: string, metric: Metric, ms: number | null, note?: string): void => {
    samples.push({ system: factory.system, channel, size, run, metric, ms, ...(note ? { note } : {}) });
  };
  const names = Array.from({ length: size }, (_, i) => `n${String(i).padStart(2, "0")}`);
  const base = names.slice(0, -1);
  const joiner = names[size - 1]!;
  // Victims: never the seed (n00), nor the newest agent.
  const crashed = names[1]!;
  const leaving = names[2]!;
  try {
    await driver.start(base);
    phase("start");
    await converge(driver, opts.timeoutMs, "initial cluster");
    phase("converge");
    await sleep(opts.settleMs);

    const spawnedAt = performance.now();
    const adding = driver.add(joiner);
    const joinDeadline = spawnedAt + opts.timeoutMs;
    for (const channel of driver.channels) {
      const r = await driver.events.spread(
        channel,
        base,
        joiner,
        "join",
        spawnedAt,
        joinDeadline - performance.now(),
      );
      if ("missing" in r) {
        put(channel, "join", null, `timeout; not seen by ${r.missing.join(",")}`);
        put(channel, "join-from-spawn", null);
      } else {
        put(channel, "join", r.lastMs - r.firstMs);
        put(channel, "join-from-spawn", r.lastMs - spawnedAt);
      }
    }
    await adding;
    phaseStart = performance.now();
    await converge(driver, opts.timeoutMs, "after join");
    phase("reconverge");
    await sleep(opts.settleMs);

    const survivors = driver.running().filter((n) => n !== crashed);
    const killedAt = performance.now();
    driver.crash(crashed);
    for (const channel of driver.channels) {
      const left = killedAt + opts.timeoutMs - performance.now();
      const r = await driver.events.spread(channel, survivors, crashed, "fail", killedAt, left);
      if ("missing" in r) {
        put(channel, "fail", null, `timeout; not seen by ${r.missing.join(",")}`);
        put(channel, "fail-first", null);
      } else {
        put(channel, "fail", r.lastMs - killedAt);
        put(channel, "fail-first", r.firstMs - killedAt);
      }
    }
    await sleep(opts.settleMs);

    const remaining = driver.running().filter((n) => n !== leaving);
    const leftAt = performance.now();
    driver.leave(leaving);
    for (const channel of driver.channels) {
      const left = leftAt + opts.timeoutMs - performance.now();
      const r = await driver.events.spread(channel, remaining, leaving, "leave", leftAt, left);
      // An agent that hears of the departure before the leave intent reports a failure instead.
      const failedFirst = remaining.filter((o) => {
        const failAt = driver.events.firstSeen(channel, o, leaving, "fail", leftAt);
        const leaveAt = driver.events.firstSeen(channel, o, leaving, "leave", leftAt);
        return failAt !== null && (leaveAt === null || failAt < leaveAt);
      });
      const notes = [
        "missing" in r ? `timeout; not seen by ${r.missing.join(",")}` : "",
        failedFirst.length ? `reported failed before left by ${failedFirst.join(",")}` : "",
      ].filter(Boolean);
      put(channel, "leave", "missing" in r ? null : r.lastMs - leftAt, notes.join("; ") || undefined);
    }
  } catch (err) {
    const note = `error: ${err instanceof Error ? err.message : String(err)}`;
    console.error(`${factory.system} N=${size} run ${run + 1}: ${note}`);
    for (const channel of driver.channels) {
      for (const { metric } of METRICS) {
        if (!samples.some((s) => s.channel === channel && s.metric === metric))
          put(channel, metric, null, note);
      }
    }
  } finally {
    phaseStart = performance.now();
    await driver.stop();
    phase("stop");
  }
  return { samples, phases };
}

/** Waits until every running agent sees every other running agent as a member (reference channel). */
async function converge(driver: ClusterDriver, timeoutMs: number, what: string): Promise<void> {
  const channel = driver.channels[0]!;
  const ok = await driver.events.until(() => {
    const up = driver.running();
    return up.every((o) => {
      const view = driver.events.view(channel, o);
      return up.every((m) => m === o || view.get(m) === "join");
    });
  }, timeoutMs);
  if (!ok) throw new Error(`${what}: not converged within ${timeoutMs} ms`);
}

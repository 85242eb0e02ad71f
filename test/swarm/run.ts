import { endChecks, type Unsettled } from "./checks.js";
import { drawScenario, faultKinds, type FaultKind } from "./scenario.js";
import { World, type Violation } from "./world.js";

export interface SwarmOptions {
  /** Every applied event, gap and violation as it happens. */
  verbose?: boolean;
  /** Where lines go. @default console.log */
  print?: (line: string) => void;
  /** Keep running after the first violation (default: stop where it broke, as VOPR does). */
  keepGoing?: boolean;
}

export interface SwarmResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violations: Violation[];
  /** End invariants still failing when the settle limit ran out. */
  readonly unsettled: Unsettled[];
  readonly nodes: number;
  readonly faults: FaultKind[];
  readonly virtualMs: number;
  /** Virtual ms from the end of faults until every end invariant held. */
  readonly settledAfterMs: number | null;
  readonly wallMs: number;
  readonly publishes: number;
  readonly delivered: number;
  readonly gaps: number;
  readonly clients: number;
  readonly restarts: number;
  readonly excusedLeftFailures: number;
}

/** Virtual ms per slice: between slices promises (a graceful leave's close) get to run. */
const SLICE_MS = 100;
/** End invariants are first checked this long after the faults end, then every CHECK_EVERY_MS. */
const FIRST_CHECK_MS = 5000;
const CHECK_EVERY_MS = 2000;
const INVARIANTS_EVERY_MS = 5000;

/** The command that replays one seed. */
export const replayCommand = (seed: number): string => `npm run swarm -- --seed ${seed} --verbose`;

/**
 * One swarm run: draws the scenario from `seed`, runs whole simulated nodes
 * through it, checks what can be judged at once as it happens (and the
 * overlay's own invariants every few seconds), then the end invariants until
 * they hold or the settle limit passes.
 */
export async function runSeed(seed: number, opts: SwarmOptions = {}): Promise<SwarmResult> {
  const print = opts.print ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const scenario = drawScenario(seed);
  const say = opts.verbose ? print : () => {};
  say(
    `seed ${seed}: ${scenario.nodes.length} nodes, racks ${JSON.stringify(scenario.racks)}, ` +
      `latency ${scenario.latencyMs.local.toFixed(1)}/${scenario.latencyMs.remote.toFixed(1)} ms, ` +
      `clocks ${JSON.stringify(scenario.clocks)}, faults end at ${scenario.faultEndMs} ms`,
  );
  const w = new World(scenario, say);
  const sim = w.cluster.sim;
  const end = scenario.faultEndMs + scenario.settleLimitMs;
  let unsettled: Unsettled[] = [];
  let settledAt: number | null = null;
  let nextCheck = scenario.faultEndMs + FIRST_CHECK_MS;
  let nextInvariants = INVARIANTS_EVERY_MS;
  let nextSnapshot = 0;
  const stop = (): boolean => !opts.keepGoing && w.violations.length > 0;
  try {
    while (sim.nowMs() < end && !stop()) {
      sim.runFor(SLICE_MS);
      await new Promise<void>((resolve) => setImmediate(resolve));
      const now = sim.nowMs();
      if (now >= nextSnapshot) {
        w.snapshot();
        nextSnapshot = now + 1000;
      }
      if (now >= nextInvariants) {
        for (const n of w.running()) w.cluster.node(n).overlay.checkInvariants();
        nextInvariants = now + INVARIANTS_EVERY_MS;
      }
      if (now >= nextCheck) {
        unsettled = endChecks(w);
        if (unsettled.length === 0) {
          settledAt = now;
          break;
        }
        nextCheck = now + CHECK_EVERY_MS;
      }
    }
  } catch (err) {
    w.violation("exception", err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
  if (settledAt === null && w.violations.length === 0) {
    for (const u of unsettled) w.violation(`unsettled-${u.kind}`, u.detail);
  }
  const violations = w.violations;
  return {
    seed,
    ok: violations.length === 0,
    violations,
    unsettled: settledAt === null ? unsettled : [],
    nodes: scenario.nodes.length,
    faults: faultKinds(scenario),
    virtualMs: sim.nowMs(),
    settledAfterMs: settledAt === null ? null : settledAt - scenario.faultEndMs,
    wallMs: Date.now() - t0,
    publishes: w.truth.size,
    delivered: w.clients.reduce((n, c) => n + c.digests, 0),
    gaps: w.counts.gaps,
    clients: w.clients.length,
    restarts: w.counts.restarts,
    excusedLeftFailures: w.excusedLeftFailures,
  };
}

/** One line per run; a failure adds its violations and the replay command. */
export function describeResult(r: SwarmResult): string {
  const head =
    `seed ${r.seed}: ${r.ok ? "ok" : "FAILED"} - ${r.nodes} nodes, ${r.publishes} published, ${r.delivered} delivered to ${r.clients} subscribers, ` +
    `${r.gaps} gap notices, ${r.restarts} restarts, faults [${r.faults.join(" ")}], ` +
    `${r.settledAfterMs === null ? "did not settle" : `settled ${(r.settledAfterMs / 1000).toFixed(1)} s after faults`}, ` +
    `${(r.virtualMs / 1000).toFixed(0)} s virtual in ${r.wallMs} ms`;
  if (r.ok) return head;
  const lines = r.violations
    .slice(0, 10)
    .map(
      (v) =>
        `  ${v.kind} at t=${(v.atMs / 1000).toFixed(3)}s: ${v.detail}${v.cause ? `\n    likely cause: ${v.cause}` : ""}`,
    );
  if (r.violations.length > 10) lines.push(`  ... and ${r.violations.length - 10} more`);
  return [head, ...lines, `  replay: ${replayCommand(r.seed)}`].join("\n");
}

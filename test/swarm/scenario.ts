import { SeededRng } from "../../src/transport/index.js";

/**
 * One swarm run, drawn from its seed alone: the topology (nodes, racks,
 * latencies, clocks) and a schedule of workload and faults in virtual ms.
 * Pure data, so `--verbose` prints exactly what the run does.
 */
export interface Scenario {
  readonly seed: number;
  readonly nodes: string[];
  readonly types: string[];
  /** Per node: rack index (links across racks are slower). */
  readonly racks: Record<string, number>;
  /** One-way delay within a rack and across racks, ms. */
  readonly latencyMs: { local: number; remote: number };
  readonly clocks: Record<string, { offsetMs: number; drift: number }>;
  /** Nodes with a small retention log (max digests), so history runs out somewhere. */
  readonly retention: Record<string, number>;
  readonly events: ScheduledEvent[];
  /** Faults stop here: everything heals, down nodes that come back are back. */
  readonly faultEndMs: number;
  /** How long after faultEndMs the end invariants may take to hold. */
  readonly settleLimitMs: number;
}

export type ScheduledEvent = { at: number } & (
  | { kind: "publish"; node: string; type: string; count: number; intervalMs: number }
  | {
      kind: "subscribe";
      node: string;
      types: string[];
      start: "latest" | "earliest";
      /** A slow consumer: a small queue, read every `everyMs`, at most `take` items at a time. */
      slow?: { maxQueued: number; everyMs: number; take: number };
    }
  | { kind: "conditions"; loss: number; duplicate: number; jitterMs: number }
  | { kind: "partition"; groups: string[][]; durationMs: number }
  | { kind: "one-way"; from: string[]; to: string[]; durationMs: number }
  | { kind: "crash"; node: string; downMs: number | null; keepData: boolean }
  | { kind: "leave"; node: string; downMs: number | null; keepData: boolean }
  | { kind: "stall"; node: string; ms: number }
  | { kind: "register-type"; node: string; type: string; revision: number }
  | { kind: "register-service"; node: string; name: string; id: string }
  | { kind: "deregister-service"; node: string; name: string; id: string }
);

export type FaultKind =
  | "loss"
  | "duplicate"
  | "reorder"
  | "partition"
  | "one-way"
  | "crash"
  | "crash-keep-data"
  | "leave"
  | "stall"
  | "clock"
  | "small-retention"
  | "slow-consumer";

/** Wall time the simulated clocks read at virtual 0 (2023-11-14), so epochs look like real ones. */
export const CLOCK_BASE_MS = 1_700_000_000_000;
/** The cluster forms in this time before any fault. */
export const JOIN_MS = 10_000;

export function drawScenario(seed: number): Scenario {
  const rng = new SeededRng(seed >>> 0).fork("scenario");
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)] as T;
  const between = (lo: number, hi: number): number => lo + rng.next() * (hi - lo);
  const chance = (p: number): boolean => rng.next() < p;
  const n = 3 + rng.int(5);
  const nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const types = Array.from({ length: 1 + rng.int(3) }, (_, i) => `swarm.T${i}`);
  const rackCount = chance(0.5) ? 1 : 2;
  const racks = Object.fromEntries(nodes.map((m) => [m, rng.int(rackCount)]));
  const latencyMs = { local: between(0.2, 2), remote: between(5, 40) };
  const clocks = Object.fromEntries(
    nodes.map((m) => [
      m,
      chance(0.7)
        ? {
            offsetMs: Math.round(between(-30_000, 30_000)),
            drift: chance(0.3) ? between(-1e-2, 1e-2) : between(-1e-3, 1e-3),
          }
        : { offsetMs: 0, drift: 0 },
    ]),
  );
  const retention: Record<string, number> = {};
  if (chance(0.3)) for (const m of nodes) if (chance(0.5)) retention[m] = 10 + rng.int(90);
  const slow = (): { slow?: { maxQueued: number; everyMs: number; take: number } } =>
    chance(0.2)
      ? {
          slow: { maxQueued: 5 + rng.int(45), everyMs: Math.round(between(50, 2000)), take: 1 + rng.int(20) },
        }
      : {};
  const faultEndMs = JOIN_MS + Math.round(between(40_000, 150_000));
  const events: ScheduledEvent[] = [];
  const inFaults = (): number => Math.round(between(JOIN_MS, faultEndMs - 2000));
  const subset = (min: number): string[] => {
    const s = nodes.filter(() => chance(0.5));
    while (s.length < min) {
      const m = pick(nodes);
      if (!s.includes(m)) s.push(m);
    }
    return s;
  };
  const typeSet = (): string[] => {
    const t = types.filter(() => chance(0.5));
    return t.length > 0 ? t : [pick(types)];
  };

  // Subscribers from the start, then late ones at random gateways.
  for (let i = 1 + rng.int(n); i > 0; i--) {
    events.push({
      at: 2000 + rng.int(6000),
      kind: "subscribe",
      node: pick(nodes),
      types: typeSet(),
      start: pick(["latest", "earliest"] as const),
      ...slow(),
    });
  }
  for (let i = rng.int(5); i > 0; i--) {
    events.push({
      at: inFaults(),
      kind: "subscribe",
      node: pick(nodes),
      types: typeSet(),
      start: chance(0.7) ? "earliest" : "latest",
      ...slow(),
    });
  }
  // Publishers: bursts spread over the run.
  for (let i = 3 + rng.int(10); i > 0; i--) {
    events.push({
      at: Math.round(between(JOIN_MS - 2000, faultEndMs)),
      kind: "publish",
      node: pick(nodes),
      type: pick(types),
      count: 1 + rng.int(60),
      intervalMs: Math.round(between(5, 400)),
    });
  }
  // Registry and catalog work.
  for (let i = rng.int(4); i > 0; i--) {
    events.push({
      at: inFaults(),
      kind: "register-type",
      node: pick(nodes),
      type: `swarm.Schema${rng.int(3)}`,
      revision: rng.int(3),
    });
  }
  for (let i = rng.int(6); i > 0; i--) {
    const node = pick(nodes);
    const name = `svc${rng.int(3)}`;
    const id = `${node}-${name}-${i}`;
    const at = inFaults();
    events.push({ at, kind: "register-service", node, name, id });
    if (chance(0.3)) events.push({ at: at + rng.int(20_000), kind: "deregister-service", node, name, id });
  }

  // Faults.
  const faults = rng.int(8);
  for (let i = 0; i < faults; i++) {
    const at = inFaults();
    const durationMs = Math.round(between(1000, 40_000));
    switch (
      pick(["conditions", "partition", "one-way", "crash", "leave", "stall", "stall", "crash"] as const)
    ) {
      case "conditions":
        events.push({
          at,
          kind: "conditions",
          loss: chance(0.7) ? between(0, 0.3) : 0,
          duplicate: chance(0.5) ? between(0, 0.2) : 0,
          jitterMs: chance(0.5) ? between(0, 30) : 0.5,
        });
        events.push({ at: at + durationMs, kind: "conditions", loss: 0, duplicate: 0, jitterMs: 0.5 });
        break;
      case "partition": {
        const side = subset(1).slice(0, Math.max(1, n - 1));
        events.push({
          at,
          kind: "partition",
          groups: [side, nodes.filter((m) => !side.includes(m))],
          durationMs,
        });
        break;
      }
      case "one-way": {
        const from = subset(1).slice(0, Math.max(1, n - 1));
        events.push({ at, kind: "one-way", from, to: nodes.filter((m) => !from.includes(m)), durationMs });
        break;
      }
      case "crash":
        events.push({
          at,
          kind: "crash",
          node: pick(nodes),
          downMs: chance(0.85) ? durationMs : null,
          keepData: chance(0.5),
        });
        break;
      case "leave":
        events.push({
          at,
          kind: "leave",
          node: pick(nodes),
          downMs: chance(0.6) ? durationMs : null,
          keepData: chance(0.5),
        });
        break;
      case "stall":
        events.push({
          at,
          kind: "stall",
          node: pick(nodes),
          ms: Math.round(chance(0.7) ? between(100, 3000) : between(3000, 15_000)),
        });
        break;
    }
  }
  events.sort((a, b) => a.at - b.at);
  return {
    seed,
    nodes,
    types,
    racks,
    latencyMs,
    clocks,
    retention,
    events,
    faultEndMs,
    settleLimitMs: 180_000,
  };
}

/** The kinds of fault a scenario injects (for the campaign's tally). */
export function faultKinds(s: Scenario): FaultKind[] {
  const out = new Set<FaultKind>();
  for (const e of s.events) {
    if (e.kind === "conditions") {
      if (e.loss > 0) out.add("loss");
      if (e.duplicate > 0) out.add("duplicate");
      if (e.jitterMs > 1) out.add("reorder");
    } else if (e.kind === "partition" || e.kind === "one-way" || e.kind === "leave" || e.kind === "stall") {
      out.add(e.kind);
    } else if (e.kind === "crash") out.add(e.keepData ? "crash-keep-data" : "crash");
  }
  if (Object.values(s.clocks).some((c) => c.offsetMs !== 0 || c.drift !== 0)) out.add("clock");
  if (Object.keys(s.retention).length > 0) out.add("small-retention");
  if (s.events.some((e) => e.kind === "subscribe" && e.slow)) out.add("slow-consumer");
  return [...out];
}

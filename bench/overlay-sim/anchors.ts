// The figures Hearsay is held against, computed here from their published
// formulas so every run prints its anchor beside its own measurement.
import { suspicionTimeoutMs } from "../../src/overlay/index.js";

/** Serf's convergence simulator (serf.io/docs/internals/simulator.html): gossip 200 ms, fanout 3. */
export const SERF_GOSSIP_INTERVAL_S = 0.2;
export const SERF_FANOUT = 3;
/** The simulator's target: convergence = 99.99% of nodes. */
export const SERF_CONVERGE = 0.9999;
/** Serf's bandwidth model assumes every gossip packet is full: 1400 B. */
export const SERF_PACKET_BYTES = 1400;

/**
 * Serf's logistic model: fraction infected after x rounds =
 *   1 / (1 + (N+1) e^(-c N x)),  c = fanout / N x (1 - loss) x 0.5.
 * Returns the first round time (s) at which the fraction reaches `target`
 * (the simulator stops at 100 rounds).
 */
export function serfConvergenceS(n: number, loss: number, target = SERF_CONVERGE): number {
  const contact = (SERF_FANOUT / n) * (1 - loss) * 0.5;
  for (let round = 0; round < 100; round++) {
    const frac = 1 / (1 + (n + 1) * Math.exp(-contact * n * round));
    if (frac >= target) return round * SERF_GOSSIP_INTERVAL_S;
  }
  return 100 * SERF_GOSSIP_INTERVAL_S;
}

/**
 * Serf's per-node bandwidth estimate: 1400 B x fanout x rounds/s x 2 (in + out),
 * in its own unit, kbit = 1024 bit: 1400 x 3 x 5 x 2 x 8 / 1024 = 328.1.
 */
export function serfBandwidthKbit1024(): number {
  const bytesPerS = SERF_PACKET_BYTES * SERF_FANOUT * (1 / SERF_GOSSIP_INTERVAL_S) * 2;
  return (bytesPerS * 8) / 1024;
}

/** SWIM (Das et al. 2002): expected probe periods until some member first probes a failed one, e/(e-1). */
export const SWIM_FIRST_DETECTION_PERIODS = Math.E / (Math.E - 1);

/**
 * memberlist's bound on crash -> dead everywhere, as issue 3 states it: the
 * suspicion min timeout (mult x max(1, log10 N) x probe interval) plus the
 * dissemination time (Serf's model at N, 0% loss).
 */
export function memberlistDeadBoundMs(
  n: number,
  suspicionMult: number,
  probeIntervalMs: number,
): {
  minTimeoutMs: number;
  disseminationMs: number;
  boundMs: number;
} {
  const minTimeoutMs = suspicionTimeoutMs(suspicionMult, n, probeIntervalMs);
  const disseminationMs = serfConvergenceS(n, 0) * 1000;
  return { minTimeoutMs, disseminationMs, boundMs: minTimeoutMs + disseminationMs };
}

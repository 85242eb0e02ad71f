import type { Logger, Metrics } from "../observe/index.js";

/**
 * A cheap check of what the membership rules promise. `holds` false means a
 * bug here, never bad input from a peer (input is judged before it gets this
 * far), so the simulator stops the run where it breaks (strict) and a real
 * node logs and counts it (overlay_invariant_violations_total) and carries on.
 */
export type Invariant = (holds: boolean, what: string, detail?: () => Record<string, unknown>) => void;

/** Thrown by a strict Invariant: the state machine broke a promise of its own. */
export class InvariantError extends Error {
  override name = "InvariantError";
}

export function invariant(strict: boolean, node: string, log: Logger, metrics: Metrics): Invariant {
  return (holds, what, detail) => {
    if (holds) return;
    const fields = { node, ...detail?.() };
    if (strict)
      throw new InvariantError(`overlay invariant broken at ${node}: ${what} ${JSON.stringify(fields)}`);
    metrics.inc("overlay_invariant_violations_total");
    log.error(`overlay: invariant broken: ${what}`, fields);
  };
}

/** No checking at all (a MemberTable on its own, in unit tests). */
export const UNCHECKED: Invariant = () => {};

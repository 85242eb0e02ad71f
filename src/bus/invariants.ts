import { InvariantError } from "../overlay/index.js";
import type { Logger, Metrics } from "../observe/index.js";

/**
 * A cheap check of what the bus promises itself (a stream's head moves by one,
 * a subscription's position only forward). `holds` false is a bug here, never
 * bad input (input is judged before it gets this far): strict (the simulator)
 * throws where it breaks; a real node logs, counts
 * (bus_invariant_violations_total) and carries on.
 */
export type BusInvariant = (holds: boolean, what: string, detail?: () => Record<string, unknown>) => void;

export function busInvariant(strict: boolean, node: string, log: Logger, metrics: Metrics): BusInvariant {
  return (holds, what, detail) => {
    if (holds) return;
    const fields = { node, ...detail?.() };
    if (strict)
      throw new InvariantError(`bus invariant broken at ${node}: ${what} ${JSON.stringify(fields)}`);
    metrics.inc("bus_invariant_violations_total");
    log.error(`bus: invariant broken: ${what}`, fields);
  };
}

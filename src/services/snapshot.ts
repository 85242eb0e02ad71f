import type { ServiceInstance } from "./instance.js";

/** How an instance left its node's registrations. */
export type Removal = "deregistered" | "expired";

/**
 * Everything one node's clients registered, at one version. Only the owning
 * node makes new snapshots; peers keep and relay the newest they have seen.
 */
export interface Snapshot {
  readonly node: string;
  /** The owner's start time: a restarted node's snapshots replace its old ones. */
  readonly bootMs: number;
  /** Bumped on every change since boot. */
  readonly counter: number;
  readonly instances: readonly ServiceInstance[];
  /** Recent removals by instance key, so a peer can tell a deregister from an expiry. */
  readonly removals: ReadonlyArray<readonly [string, Removal]>;
}

/** >0 when a is newer than b. */
export function compareVersions(
  a: { bootMs: number; counter: number },
  b: { bootMs: number; counter: number },
): number {
  return a.bootMs !== b.bootMs ? a.bootMs - b.bootMs : a.counter - b.counter;
}

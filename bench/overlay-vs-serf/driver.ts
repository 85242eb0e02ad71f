// What a scenario needs from a gossip system under test: N agent processes on
// loopback, all joining the first, and their membership events delivered into
// one Observations store.
import type { Observations } from "./observations.js";

/** Agents started at once while building a cluster; the same for both systems. */
export const START_BATCH = 8;

/** Ports of one cluster: agent i gossips on gossipBase + i and serves its API on apiBase + i. */
export interface PortPlan {
  readonly gossipBase: number;
  readonly apiBase: number;
}

export interface ClusterDriver {
  /** "serf" or "hearsay". */
  readonly system: string;
  /**
   * Event channels this driver feeds, the reference one first; the others are
   * reported for information (e.g. Serf's coalesced RPC stream).
   */
  readonly channels: readonly string[];
  readonly events: Observations;
  /** Starts `names[0]` as the seed, then the others joining it; resolves once all are observed. */
  start(names: readonly string[]): Promise<void>;
  /** Spawns one more agent joining the seed; resolves once it is being observed. */
  add(name: string): Promise<void>;
  /** Crash: SIGKILL, no goodbye. */
  crash(name: string): void;
  /** Graceful leave by the agent's documented signal. */
  leave(name: string): void;
  /** Names of agents whose process is still running. */
  running(): string[];
  /** Kills every agent and closes every observer. */
  stop(): Promise<void>;
}

export interface DriverFactory {
  readonly system: string;
  create(ports: PortPlan): ClusterDriver;
  /** Version string for the report, e.g. "serf 0.8.2-dev (agent protocol 5)". */
  version(): Promise<string>;
  /** Gossip parameters in force, for the report. */
  readonly parameters: string;
}

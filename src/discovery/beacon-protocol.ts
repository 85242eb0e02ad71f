import type { Rng } from "../transport/index.js";
import {
  type Beacon,
  type BeaconDrop,
  type BeaconKeys,
  decodeBeacon,
  encodeBeacon,
  MAX_FIELD_BYTES,
} from "./beacon-codec.js";
import { JoinGate } from "./join-gate.js";

/** Bounds of beacon discovery; each is counted when hit (discovery_beacons_ignored_total{reason}). */
export interface BeaconLimits {
  /** Least time between two joins triggered by beacons, ms. @default 1000 */
  joinMinGapMs: number;
  /** A sender's address is not joined again for this long after an attempt, ms. @default 10000 */
  addressCooldownMs: number;
  /** Sender addresses remembered for the cooldown (oldest forgotten first). @default 1024 */
  maxTrackedSenders: number;
  /** Ceiling of the beacon period, however large the cluster, ms. @default 60000 */
  maxPeriodMs: number;
  /** A clustered node joins another group after a random delay in [0, min(max, (N-1) x perMember)] ms. */
  joinJitterPerMemberMs: number;
  /** @default 3000 */
  maxJoinJitterMs: number;
  /** Joins waiting for their delay at once; more beacons are ignored ("busy"). @default 8 */
  maxPendingJoins: number;
}

export const DEFAULT_BEACON_LIMITS: BeaconLimits = {
  joinMinGapMs: 1_000,
  addressCooldownMs: 10_000,
  maxTrackedSenders: 1_024,
  maxPeriodMs: 60_000,
  joinJitterPerMemberMs: 100,
  maxJoinJitterMs: 3_000,
  maxPendingJoins: 8,
};

/** What beacon discovery needs to know of the overlay. */
export interface ClusterView {
  /** Live (alive or suspect) members, this node included. */
  liveCount(): number;
  /** Is a member of this name, or at this address, alive or suspect? */
  isLive(name: string, address: string): boolean;
}

export type IgnoreReason =
  "self" | "known" | "unreachable" | "sender-alone" | "pending" | "cooldown" | "rate-limited" | "busy";

export type BeaconDecision =
  | { action: "drop"; reason: BeaconDrop }
  | { action: "ignore"; reason: IgnoreReason; beacon: Beacon }
  /** Join `beacon.address` after `afterMs`; when afterMs > 0, ask due() again at that time. */
  | { action: "join"; beacon: Beacon; afterMs: number };

/** This node, as its beacons describe it. */
export interface BeaconSelf {
  cluster: string;
  node: string;
  address: string;
}

/**
 * Beacon discovery without I/O: what to send and when, and what to do with what arrives.
 *
 * Who joins whom: a node that is alone joins the first unknown sender it hears (at once). A node in a
 * cluster leaves lone senders to join it (one push-pull instead of N), and joins a sender from another
 * group of several members after a random delay, checking again then, so a merge costs a few joins.
 */
export class BeaconProtocol {
  private readonly gate: JoinGate;
  private readonly pending = new Set<string>();

  constructor(
    private readonly self: BeaconSelf,
    private readonly keys: BeaconKeys | null,
    private readonly intervalMs: number,
    private readonly limits: BeaconLimits,
    private readonly rng: Rng,
  ) {
    for (const [k, v] of Object.entries(self)) {
      const n = Buffer.byteLength(v);
      if (n === 0 || n > MAX_FIELD_BYTES) throw new Error(`beacon: ${k} must be 1-${MAX_FIELD_BYTES} bytes`);
    }
    this.gate = new JoinGate(limits.joinMinGapMs, limits.addressCooldownMs, limits.maxTrackedSenders);
  }

  /** Our beacon now, and the delay before the next: intervalMs x N (N live members), capped, +-10%. */
  beacon(view: ClusterView): { bytes: Uint8Array; nextInMs: number } {
    const n = Math.max(1, view.liveCount());
    const bytes = encodeBeacon({ ...this.self, members: n }, this.keys);
    const period = Math.max(this.intervalMs, Math.min(this.limits.maxPeriodMs, this.intervalMs * n));
    return { bytes, nextInMs: Math.round(period * (0.9 + 0.2 * this.rng.next())) };
  }

  /** A datagram arrived on the beacon socket. */
  receive(data: Uint8Array, nowMs: number, view: ClusterView): BeaconDecision {
    const d = decodeBeacon(data, this.self.cluster, this.keys);
    if (!d.ok) return { action: "drop", reason: d.reason };
    const b = d.beacon;
    const ignore = (reason: IgnoreReason): BeaconDecision => ({ action: "ignore", reason, beacon: b });
    if (b.node === this.self.node || b.address === this.self.address) return ignore("self");
    if (view.isLive(b.node, b.address)) return ignore("known");
    // A loopback address is only reachable from the same host, and a loopback node reaches nobody else.
    if (isLoopback(b.address) !== isLoopback(this.self.address)) return ignore("unreachable");
    if (this.pending.has(b.address)) return ignore("pending");
    const n = view.liveCount();
    if (n > 1 && b.members <= 1) return ignore("sender-alone");
    if (n <= 1) {
      const g = this.gate.check(b.address, nowMs);
      if (g !== "ok") return ignore(g);
      this.gate.record(b.address, nowMs);
      return { action: "join", beacon: b, afterMs: 0 };
    }
    if (this.gate.check(b.address, nowMs) === "cooldown") return ignore("cooldown");
    if (this.pending.size >= this.limits.maxPendingJoins) return ignore("busy");
    this.pending.add(b.address);
    const spread = Math.min(this.limits.maxJoinJitterMs, (n - 1) * this.limits.joinJitterPerMemberMs);
    return { action: "join", beacon: b, afterMs: Math.max(1, Math.floor(this.rng.next() * spread)) };
  }

  /** A delayed join is due: go ahead ("join", recorded), or not any more. */
  due(b: Beacon, nowMs: number, view: ClusterView): "join" | "known" | "cooldown" | "rate-limited" {
    this.pending.delete(b.address);
    if (view.isLive(b.node, b.address)) return "known";
    const g = this.gate.check(b.address, nowMs);
    if (g !== "ok") return g;
    this.gate.record(b.address, nowMs);
    return "join";
  }

  /** Forgets delayed joins (on stop). */
  reset(): void {
    this.pending.clear();
  }
}

/** "127.x.y.z:port", "[::1]:port" or "localhost:port". */
export function isLoopback(address: string): boolean {
  return /^(?:127\.|\[::1\]:|localhost:)/.test(address);
}

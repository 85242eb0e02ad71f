import { fail, type Failure } from "../errors/index.js";
import {
  instanceKey,
  normalize,
  type RegisterInput,
  sameInstance,
  type ServiceInstance,
  type ServiceLimits,
} from "./instance.js";
import type { Removal, Snapshot } from "./snapshot.js";

/** A registration taken (`changed` false for a refresh that changed nothing), or why it was refused. */
export type RegisterServiceResult =
  { readonly ok: true; readonly instance: ServiceInstance; readonly changed: boolean } | Failure;

/** Most recent removals a snapshot remembers, so peers can tell a deregister from an expiry. */
const MAX_REMEMBERED_REMOVALS = 256;

interface Held {
  instance: ServiceInstance;
  refreshedAtMs: number;
}

/**
 * The registrations this node's clients made: the only copy anyone may
 * change. Every change bumps the version; `snapshot()` is what peers
 * replicate. TTLs are checked by `tick(now)`: past the TTL an instance turns
 * critical, past TTL + grace it is removed (expired). I/O-free.
 */
export class LocalServices {
  private readonly held = new Map<string, Held>();
  private readonly removals = new Map<string, Removal>();
  private counter = 0;

  constructor(
    readonly node: string,
    /** Wall-clock ms when this agent started: orders snapshots across restarts. */
    readonly bootMs: number,
    private readonly defaultAddress: () => string,
    private readonly limits: ServiceLimits,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** Registers or refreshes (a TTL instance's heartbeat is registering again). */
  register(input: RegisterInput, nowMs: number): RegisterServiceResult {
    const checked = normalize(input, this.node, this.defaultAddress(), this.limits);
    if (!checked.ok) return checked;
    const { req } = checked;
    const key = instanceKey(req.name, req.id);
    const old = this.held.get(key);
    if (!old && this.held.size >= this.limits.maxServicesPerNode) {
      return fail(
        "RESOURCE_EXHAUSTED",
        `this gateway holds ${this.held.size} service instances, the most it allows (maxServicesPerNode)`,
        "name",
      );
    }
    const instance: ServiceInstance = {
      name: req.name,
      id: req.id,
      node: this.node,
      address: req.address,
      port: req.port,
      tags: req.tags,
      ttlMs: req.ttlMs,
      registeredAtMs: old?.instance.registeredAtMs ?? nowMs,
      health: "passing",
    };
    const changed = !old || !sameInstance(old.instance, instance);
    this.held.set(key, { instance: changed ? instance : old.instance, refreshedAtMs: nowMs });
    if (changed) this.bump(key, null);
    return { ok: true, instance: changed ? instance : old.instance, changed };
  }

  deregister(name: string, id: string): boolean {
    const key = instanceKey(name, id);
    if (!this.held.delete(key)) return false;
    this.bump(key, "deregistered");
    return true;
  }

  /** Applies TTLs; true when something changed (turned critical or expired). */
  tick(nowMs: number): boolean {
    let changed = false;
    for (const [key, h] of this.held) {
      const ttl = h.instance.ttlMs;
      if (ttl === 0) continue;
      const late = nowMs - h.refreshedAtMs - ttl;
      if (late > this.limits.criticalGraceMs) {
        this.held.delete(key);
        this.bump(key, "expired");
        changed = true;
      } else if (late > 0 && h.instance.health === "passing") {
        h.instance = { ...h.instance, health: "critical" };
        this.bump(key, null);
        changed = true;
      }
    }
    return changed;
  }

  /** Earliest time a TTL instance changes state, for scheduling the next tick; null = none. */
  nextDeadlineMs(): number | null {
    let next: number | null = null;
    for (const h of this.held.values()) {
      if (h.instance.ttlMs === 0) continue;
      const at =
        h.refreshedAtMs +
        h.instance.ttlMs +
        (h.instance.health === "critical" ? this.limits.criticalGraceMs : 0);
      if (next === null || at < next) next = at;
    }
    return next;
  }

  list(): ServiceInstance[] {
    return [...this.held.values()].map((h) => h.instance);
  }

  snapshot(): Snapshot {
    return {
      node: this.node,
      bootMs: this.bootMs,
      counter: this.counter,
      instances: this.list(),
      removals: [...this.removals],
    };
  }

  private bump(key: string, removal: Removal | null): void {
    this.counter++;
    this.removals.delete(key);
    if (removal) this.removals.set(key, removal);
    if (this.removals.size > MAX_REMEMBERED_REMOVALS) {
      const oldest = this.removals.keys().next().value as string;
      this.removals.delete(oldest);
    }
  }
}

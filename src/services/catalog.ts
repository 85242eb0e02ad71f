import { byNameThenId, instanceKey, sameInstance, type ServiceInstance } from "./instance.js";
import { compareVersions, type Snapshot } from "./snapshot.js";

export type CatalogEventKind = "registered" | "updated" | "deregistered" | "expired";

export interface CatalogEvent {
  readonly kind: CatalogEventKind;
  readonly instance: ServiceInstance;
}

export interface ListFilter {
  /** Empty = every service. */
  name?: string;
  passingOnly?: boolean;
  tags?: Readonly<Record<string, string>>;
}

/**
 * The replicated service catalog: the newest snapshot of every node that
 * registered something. `apply` takes a snapshot (own or a peer's) and emits
 * one event per instance that appeared, changed or went; `dropNode` removes a
 * failed or departed node's instances (they expire). I/O-free.
 */
export class Catalog {
  private readonly nodes = new Map<string, Snapshot>();
  /** Nodes whose newest snapshot is empty: kept only so older relays of them lose. */
  private readonly emptied = new Map<string, Snapshot>();
  private readonly listeners = new Set<(e: CatalogEvent) => void>();

  /** Calls `fn` for every change until the returned function is called. */
  onEvent(fn: (e: CatalogEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Takes `snap` when it is newer than what is held for its node; true when taken. */
  apply(snap: Snapshot): boolean {
    const old = this.nodes.get(snap.node);
    const held = old ?? this.emptied.get(snap.node);
    if (held && compareVersions(snap, held) <= 0) return false;
    this.nodes.set(snap.node, snap);
    const before = new Map((old?.instances ?? []).map((i) => [instanceKey(i.name, i.id), i]));
    const removals = new Map(snap.removals);
    const events: CatalogEvent[] = [];
    for (const i of snap.instances) {
      const key = instanceKey(i.name, i.id);
      const was = before.get(key);
      before.delete(key);
      if (!was) events.push({ kind: "registered", instance: i });
      else if (!sameInstance(was, i)) events.push({ kind: "updated", instance: i });
    }
    for (const [key, i] of before) {
      events.push({ kind: removals.get(key) === "expired" ? "expired" : "deregistered", instance: i });
    }
    if (snap.instances.length === 0) {
      this.nodes.delete(snap.node);
      this.emptied.set(snap.node, snap);
    } else this.emptied.delete(snap.node);
    this.emit(events);
    return true;
  }

  /** Newest version known for `node` (including an emptied one), for anti-entropy. */
  version(node: string): { bootMs: number; counter: number } | undefined {
    return this.nodes.get(node) ?? this.emptied.get(node);
  }

  /** The held snapshot of a node, or its last empty one. */
  snapshotOf(node: string): Snapshot | undefined {
    return this.nodes.get(node) ?? this.emptied.get(node);
  }

  /** Every node with a known version. */
  knownNodes(): string[] {
    return [...new Set([...this.nodes.keys(), ...this.emptied.keys()])];
  }

  /** A node failed or left: its instances expire everywhere. Its versions are forgotten. */
  dropNode(node: string): void {
    const old = this.nodes.get(node);
    this.nodes.delete(node);
    this.emptied.delete(node);
    if (old) this.emit(old.instances.map((instance) => ({ kind: "expired", instance })));
  }

  list(filter: ListFilter = {}): ServiceInstance[] {
    const tags = Object.entries(filter.tags ?? {});
    const out: ServiceInstance[] = [];
    for (const snap of this.nodes.values()) {
      for (const i of snap.instances) {
        if (filter.name && i.name !== filter.name) continue;
        if (filter.passingOnly && i.health !== "passing") continue;
        if (!tags.every(([k, v]) => i.tags[k] === v)) continue;
        out.push(i);
      }
    }
    return out.sort(byNameThenId);
  }

  private emit(events: CatalogEvent[]): void {
    for (const e of events) for (const fn of this.listeners) fn(e);
  }
}

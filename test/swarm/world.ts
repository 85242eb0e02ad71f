import type { Digest, GapNotice } from "../../src/bus/index.js";
import { streamKey } from "../../src/bus/internal.js";
import type { HearsayNode } from "../../src/node/index.js";
import type { MemberEvent } from "../../src/overlay/index.js";
import { SimCluster } from "../support/sim-cluster.js";
import { Client } from "./client.js";
import { History } from "./history.js";
import { CLOCK_BASE_MS, type Scenario, type ScheduledEvent } from "./scenario.js";
import { Truth, streamOf } from "./truth.js";

/** One broken invariant, with where and when. */
export interface Violation {
  readonly kind: string;
  readonly atMs: number;
  readonly detail: string;
  /** The most likely reason, when the checker can tell (e.g. a feature not built yet). */
  readonly cause?: string;
}

/** A leave is judged only when nothing disturbed the leaver this long before it... */
export const LEAVE_CALM_BEFORE_MS = 30_000;
/** ...and this long after (the farewell's gossip: leavePropagateMs is 5 s). */
export const LEAVE_CALM_AFTER_MS = 10_000;

/** A holder must have kept a digest, reachable from the gateway, this long before a gap for it is a bug. */
export const GAP_HOLD_MS = 10_000;

type Life = "up" | "leaving" | "down";

/**
 * The swarm's world: the cluster of whole nodes, what the schedule did to it
 * (History), every successful publish (Truth) and the subscriber clients;
 * checks the invariants that can be judged the moment something happens.
 */
export class World {
  readonly cluster: SimCluster;
  readonly history = new History();
  readonly truth = new Truth();
  readonly clients: Client[] = [];
  readonly violations: Violation[] = [];
  /** Member events "fail" of a node that had left, excused by faults around it (counted, not violations). */
  excusedLeftFailures = 0;
  readonly life = new Map<string, Life>();
  /** When each node's current leave began (cleared when it boots again). */
  private readonly leftAt = new Map<string, number>();
  private readonly cuts: Array<{ id: number; kind: "partition" | "one-way"; a: string[]; b: string[] }> = [];
  private nextCut = 1;
  private permanentlyGone = 0;
  private payloads = 0;
  /** Per node, per stream key: the last type sequence its log held at each snapshot (newest last). */
  private readonly snapshots: Array<{ atMs: number; held: Map<string, Map<string, number>> }> = [];
  readonly counts = { publishes: 0, faults: 0, skipped: 0, restarts: 0, gaps: 0 };
  /** Types whose registration succeeded, with the node (and its boot) that took it. */
  readonly registeredTypes = new Map<string, { node: string; boot: number }>();
  private faultsOver = false;

  constructor(
    readonly scenario: Scenario,
    private readonly say: (line: string) => void,
  ) {
    this.cluster = new SimCluster({
      seed: scenario.seed,
      latencyMs: scenario.latencyMs.local,
      clock: (name) => {
        const c = scenario.clocks[name];
        return { offsetMs: CLOCK_BASE_MS + (c?.offsetMs ?? 0), drift: c?.drift ?? 0 };
      },
      retention: (name) => {
        const max = scenario.retention[name];
        return max === undefined ? undefined : { maxDigests: max, maxBytes: 1 << 30, maxAgeMs: 3_600_000 };
      },
      onBoot: (node) => this.booted(node),
    });
    const { sim } = this.cluster;
    for (const n of scenario.nodes) this.cluster.add(n);
    for (const a of scenario.nodes)
      for (const b of scenario.nodes)
        if (a !== b && scenario.racks[a] !== scenario.racks[b])
          sim.setLink(a, b, { latencyMs: scenario.latencyMs.remote });
    this.cluster.joinAll(scenario.nodes, scenario.nodes[0]!, 50);
    for (const e of scenario.events) sim.at(e.at, () => this.apply(e));
    sim.at(scenario.faultEndMs, () => this.endFaults());
  }

  get now(): number {
    return this.cluster.sim.nowMs();
  }

  /** Up and not leaving. */
  running(): string[] {
    return this.scenario.nodes.filter((n) => this.life.get(n) === "up");
  }

  violation(kind: string, detail: string, cause?: string): void {
    const v = { kind, atMs: this.now, detail, ...(cause ? { cause } : {}) };
    this.violations.push(v);
    this.say(
      `VIOLATION ${kind} at t=${(this.now / 1000).toFixed(3)}s: ${detail}${cause ? ` [${cause}]` : ""}`,
    );
  }

  private log(what: string): void {
    this.say(`[t=${(this.now / 1000).toFixed(3)}s] ${what}`);
  }

  private booted(node: HearsayNode): void {
    const name = node.name;
    this.life.set(name, "up");
    this.leftAt.delete(name);
    this.history.nodeUp(name, this.now);
    node.overlay.on((e) => this.memberEvent(name, e));
  }

  // ---- the schedule ----

  private apply(e: ScheduledEvent): void {
    switch (e.kind) {
      case "publish":
        return this.publishBurst(e.node, e.type, e.count, e.intervalMs);
      case "subscribe": {
        const c = new Client(
          `c${this.clients.length + 1}@${e.node}`,
          e.node,
          e.types,
          e.start,
          this.now,
          e.slow,
          () => this.now,
          {
            after: (ms, fn) => this.cluster.sim.at(this.now + ms, fn),
            digest: (cl, d) => this.judgeDigest(cl, d),
            gap: (cl, g) => this.judgeGap(cl, g),
            violation: (cl, kind, detail) => this.violation(kind, `${cl.id}: ${detail}`),
          },
        );
        this.clients.push(c);
        const slow = e.slow
          ? ` slow (queue ${e.slow.maxQueued}, ${e.slow.take} every ${e.slow.everyMs}ms)`
          : "";
        this.log(`subscribe ${c.id} ${e.types.join(",")} start=${e.start}${slow}`);
        if (this.life.get(e.node) === "up") c.attach(this.cluster.node(e.node).bus);
        return;
      }
      case "conditions":
        if (this.faultsOver) return;
        this.counts.faults++;
        this.log(
          `network loss=${e.loss.toFixed(3)} duplicate=${e.duplicate.toFixed(3)} jitter=${e.jitterMs.toFixed(1)}ms`,
        );
        this.cluster.sim.setConditions({ loss: e.loss, duplicate: e.duplicate, jitterMs: e.jitterMs });
        this.history.setLoss(this.now, e.loss);
        return;
      case "partition":
      case "one-way": {
        const [a, b] = e.kind === "partition" ? [e.groups[0]!, e.groups[1]!] : [e.from, e.to];
        if (b.length === 0) return;
        this.counts.faults++;
        const id = this.nextCut++;
        this.cuts.push({ id, kind: e.kind, a, b });
        this.log(
          `${e.kind} #${id} [${a.join(",")}] ${e.kind === "partition" ? "|" : "->x"} [${b.join(",")}] for ${e.durationMs}ms`,
        );
        this.applyCuts();
        this.cluster.sim.at(Math.min(this.now + e.durationMs, this.scenario.faultEndMs), () => {
          const i = this.cuts.findIndex((c) => c.id === id);
          if (i < 0) return;
          this.cuts.splice(i, 1);
          this.log(`heal #${id}`);
          this.applyCuts();
        });
        return;
      }
      case "crash":
        return this.crash(e.node, e.downMs, e.keepData);
      case "leave":
        return this.leave(e.node, e.downMs, e.keepData);
      case "stall":
        if (this.life.get(e.node) !== "up" || this.faultsOver) return;
        this.counts.faults++;
        this.log(`stall ${e.node} ${e.ms}ms`);
        this.history.stall(e.node, this.now, e.ms);
        this.cluster.sim.stall(e.node, e.ms);
        return;
      case "register-type": {
        if (this.life.get(e.node) !== "up") return;
        const r = this.cluster.node(e.node).registrySync.register(schema(e.type, e.revision));
        this.log(
          `register type ${e.type} r${e.revision} at ${e.node}: ${r.ok ? `v${r.entry.version}` : r.error.code}`,
        );
        if (r.ok)
          this.registeredTypes.set(e.type, { node: e.node, boot: this.cluster.boots.get(e.node) ?? 0 });
        return;
      }
      case "register-service": {
        if (this.life.get(e.node) !== "up") return;
        const r = this.cluster.node(e.node).services.sync.register({
          name: e.name,
          id: e.id,
          address: "",
          port: 8000,
          tags: { seed: String(this.scenario.seed) },
          ttlMs: 0,
        });
        this.log(`register service ${e.name}/${e.id} at ${e.node}: ${r.ok ? "ok" : r.error.code}`);
        return;
      }
      case "deregister-service":
        if (this.life.get(e.node) !== "up") return;
        this.log(`deregister service ${e.name}/${e.id} at ${e.node}`);
        this.cluster.node(e.node).services.sync.deregister(e.name, e.id);
        return;
    }
  }

  private publishBurst(node: string, type: string, count: number, intervalMs: number): void {
    this.log(`publish ${count} x ${type} at ${node}, every ${intervalMs}ms`);
    for (let i = 0; i < count; i++) {
      this.cluster.sim.at(this.now + i * intervalMs, () => {
        if (this.life.get(node) !== "up") return;
        const payload = `p${++this.payloads}`;
        const r = this.cluster.node(node).bus.publish({ type, payload: new TextEncoder().encode(payload) });
        if (!r.ok)
          return this.violation("publish-refused", `${node} ${type}: ${r.error.code} ${r.error.message}`);
        this.truth.record(r.digest, payload, this.now);
        this.counts.publishes++;
      });
    }
  }

  /** A crash or leave may not take the cluster below two running nodes, nor more than one node for good. */
  private mayTakeDown(node: string, permanent: boolean): "no" | "yes" | "temporarily" {
    if (this.faultsOver || this.life.get(node) !== "up" || this.running().length <= 2) return "no";
    if (permanent && this.permanentlyGone >= 1) return "temporarily";
    return "yes";
  }

  /** When `node`, going down now, comes back (null: for good); undefined when it may not go down (skipped). */
  private plannedBack(node: string, downMs: number | null): number | null | undefined {
    const may = this.mayTakeDown(node, downMs === null);
    if (may === "no") {
      this.counts.skipped++;
      return undefined;
    }
    const back = downMs === null && may === "yes" ? null : this.backAt(downMs);
    if (back === null) this.permanentlyGone++;
    this.counts.faults++;
    return back;
  }

  private crash(node: string, downMs: number | null, keepData: boolean): void {
    const back = this.plannedBack(node, downMs);
    if (back === undefined) return;
    this.log(
      `crash ${node} (${back === null ? "for good" : `back at ${(back / 1000).toFixed(3)}s`}, data dir ${keepData ? "kept" : "lost"})`,
    );
    this.cluster.crash(node);
    this.down(node);
    if (back !== null) this.cluster.sim.at(back, () => this.restart(node, keepData));
  }

  private leave(node: string, downMs: number | null, keepData: boolean): void {
    const back = this.plannedBack(node, downMs);
    if (back === undefined) return;
    this.log(`leave ${node} (${back === null ? "for good" : `back at ${(back / 1000).toFixed(3)}s`})`);
    this.life.set(node, "leaving");
    this.leftAt.set(node, this.now);
    for (const c of this.clients) if (c.node === node) c.detach();
    const boot = this.cluster.boots.get(node);
    void this.cluster.leave(node).then(() => {
      if (this.cluster.boots.get(node) !== boot) return; // restarted before its farewell ended
      this.log(`${node} has left`);
      this.down(node);
    });
    if (back !== null)
      this.cluster.sim.at(back, () => {
        if (this.life.get(node) === "leaving") this.down(node); // the farewell did not finish: the process is stopped
        this.restart(node, keepData);
      });
  }

  private backAt(downMs: number | null): number {
    const end = this.scenario.faultEndMs;
    return downMs === null ? end : Math.min(this.now + downMs, end);
  }

  private down(node: string): void {
    if (this.life.get(node) === "down") return;
    this.life.set(node, "down");
    this.history.nodeDown(node, this.now);
    for (const c of this.clients) if (c.node === node) c.detach();
  }

  private restart(node: string, keepData: boolean): void {
    if (this.life.get(node) !== "down") return;
    this.counts.restarts++;
    const seeds = this.running().filter((n) => n !== node);
    this.log(`restart ${node} (data dir ${keepData ? "kept" : "lost"}), joining via ${seeds.join(",")}`);
    const n = this.cluster.restart(node, { keepData, join: seeds });
    for (const c of this.clients) if (c.node === node) c.attach(n.bus);
  }

  private applyCuts(): void {
    const { sim } = this.cluster;
    sim.heal();
    const blocked = new Set<string>();
    const sym = this.cuts.filter((c) => c.kind === "partition").at(-1);
    if (sym) {
      sim.partition(sym.a, sym.b);
      for (const x of sym.a) for (const y of sym.b) blocked.add(`${x}>${y}`).add(`${y}>${x}`);
    }
    for (const c of this.cuts) {
      if (c.kind !== "one-way") continue;
      sim.partitionOneWay(c.a, c.b);
      for (const x of c.a) for (const y of c.b) blocked.add(`${x}>${y}`);
    }
    this.history.setCuts(this.now, blocked);
  }

  private endFaults(): void {
    this.faultsOver = true;
    this.log("faults end: heal, clean network");
    this.cuts.length = 0;
    this.applyCuts();
    this.cluster.sim.setConditions({ loss: 0, duplicate: 0, jitterMs: 0.5 });
    this.history.setLoss(this.now, 0);
  }

  // ---- judged at once ----

  private judgeDigest(c: Client, d: Digest): void {
    if (!c.types.includes(d.type)) this.violation("wrong-type", `${c.id} got ${d.type}`);
    const wrong = this.truth.judge(d);
    if (wrong !== null) this.violation("phantom-digest", `${c.id} got ${streamOf(d)}#${d.typeSeq}: ${wrong}`);
  }

  /**
   * A gap must name digests that exist (were published) and that no node
   * reachable from the gateway has been holding for GAP_HOLD_MS.
   */
  private judgeGap(c: Client, g: GapNotice): void {
    this.counts.gaps++;
    this.log(
      `gap at ${c.id}: ${g.reason} ${g.ranges.map((r) => `${streamOf(r)} ${r.fromSeq}-${r.toSeq}`).join("; ")}`,
    );
    if (g.reason === "SLOW_CONSUMER" && c.slow === undefined)
      this.violation("slow-consumer-gap", `${c.id} reads as soon as it can, yet got ${g.message}`);
    for (const r of g.ranges) {
      const stream = streamOf(r);
      const published = this.truth.streams.get(stream) ?? [];
      const top = published.at(-1)?.typeSeq ?? 0;
      if (r.toSeq > top && !this.lostAtOrigin(r.origin, r.epoch))
        this.violation(
          "gap-beyond-published",
          `${c.id}: ${g.reason} ${stream} ${r.fromSeq}-${r.toSeq}, but only ${top} were published`,
        );
      for (let k = r.fromSeq; k <= Math.min(r.toSeq, r.fromSeq + 2000); k++) {
        if (c.received.get(stream)?.has(k)) {
          this.violation(
            "gap-names-delivered",
            `${c.id}: ${g.reason} ${stream} ${r.fromSeq}-${r.toSeq} names #${k}, delivered before`,
          );
          break;
        }
        // A slow consumer's loss is the policy (the gateway holds what it dropped: resume to get it).
        const holder =
          g.reason === "SLOW_CONSUMER" ? null : this.holderOf(c.node, r.origin, r.epoch, r.type, k);
        if (holder !== null) {
          const gateway = this.cluster.node(c.node).store.stream(streamKey(r.origin, r.epoch, r.type));
          const neverHeld = gateway === undefined || gateway.floor.typeSeq >= k;
          this.violation(
            "gap-for-retained",
            `${c.id} (start=${c.start}, subscribed at ${(c.subscribedAtMs / 1000).toFixed(3)}s): ${g.reason} ${stream} ${r.fromSeq}-${r.toSeq}, but ${holder} has held #${k} for ${GAP_HOLD_MS / 1000}s and is reachable from ${c.node}`,
            g.reason === "RETENTION_EXPIRED" && neverHeld
              ? "backfill: the subscriber's gateway never held this stretch and did not fetch it from a node that does (history from any gateway, issue #15)"
              : undefined,
          );
          break;
        }
      }
    }
  }

  /** The origin lost that epoch's log (restarted without its data dir): digests past what was recorded may be unknown. */
  private lostAtOrigin(origin: string, epoch: number): boolean {
    return this.cluster.nodes.get(origin)?.store.epoch !== epoch;
  }

  /** A node, reachable from `gateway` for GAP_HOLD_MS, whose log held #k then and holds it now. */
  private holderOf(gateway: string, origin: string, epoch: number, type: string, k: number): string | null {
    const then = this.snapshotAt(this.now - GAP_HOLD_MS);
    if (then === undefined) return null;
    const key = streamKey(origin, epoch, type);
    for (const h of this.running()) {
      if ((then.held.get(h)?.get(key) ?? 0) < k) continue;
      if (!this.history.connected(gateway, h, this.now - GAP_HOLD_MS, this.now)) continue;
      const d = this.cluster.node(h).store.read(key, k - 1, 1, Infinity)[0];
      if (d?.typeSeq === k) return h;
    }
    return null;
  }

  /** Records what every running node's log holds (call every second). */
  snapshot(): void {
    const held = new Map<string, Map<string, number>>();
    for (const n of this.running()) {
      const m = new Map<string, number>();
      for (const s of this.cluster.node(n).store.streams()) if (s.last) m.set(s.key, s.last.typeSeq);
      held.set(n, m);
    }
    this.snapshots.push({ atMs: this.now, held });
    while (this.snapshots.length > 2 && this.snapshots[1]!.atMs <= this.now - GAP_HOLD_MS - 2000)
      this.snapshots.shift();
  }

  private snapshotAt(t: number): { atMs: number; held: Map<string, Map<string, number>> } | undefined {
    let found;
    for (const s of this.snapshots) if (s.atMs <= t) found = s;
    return found;
  }

  /**
   * Its farewell had a fair chance: nothing cut, stalled or lost around it from
   * LEAVE_CALM_BEFORE_MS before the leave until LEAVE_CALM_AFTER_MS after
   * (else others may rightly have declared it failed, and nobody ever learnt it left).
   */
  calmLeave(node: string): boolean {
    const left = this.leftAt.get(node);
    return (
      left !== undefined && this.history.calm(node, left - LEAVE_CALM_BEFORE_MS, left + LEAVE_CALM_AFTER_MS)
    );
  }

  private memberEvent(observer: string, e: MemberEvent): void {
    if (e.type !== "fail") return;
    const x = e.member.name;
    const left = this.leftAt.get(x);
    if (left === undefined || this.life.get(x) === "up") return;
    if (this.calmLeave(x) && this.history.calm(observer, left - LEAVE_CALM_BEFORE_MS, this.now)) {
      this.violation(
        "left-reported-failed",
        `${observer} declared ${x} failed (incarnation ${e.member.incarnation}); it left gracefully at ${(left / 1000).toFixed(3)}s with nothing in between`,
      );
    } else this.excusedLeftFailures++;
  }
}

/** A proto schema whose revisions each add a field (compatible re-registrations). */
function schema(type: string, revision: number) {
  const pkg = type.slice(0, type.lastIndexOf("."));
  const msg = type.slice(type.lastIndexOf(".") + 1);
  const fields = ["string a = 1;", "int64 b = 2;", "bool c = 3;"].slice(0, revision + 1).join(" ");
  return {
    name: type,
    format: "proto-source" as const,
    files: [
      {
        path: `${pkg.replace(/\./g, "/")}/${msg}.proto`,
        content: `syntax = "proto3"; package ${pkg}; message ${msg} { ${fields} }`,
      },
    ],
  };
}

import { shuffle, type Address, type Rng } from "../transport/index.js";
import { UNCHECKED, type Invariant } from "./invariants.js";
import type { MemberStatus, NodeMeta } from "./messages.js";

/** One node as this node sees it. Mutable inside the overlay; copied out as MemberInfo. */
export interface Member {
  name: string;
  address: Address;
  incarnation: number;
  status: MemberStatus;
  meta: NodeMeta;
  /** Virtual/wall ms of the last status change (for reaping and gossip-to-the-dead). */
  stateChangeMs: number;
}

/** Read-only snapshot handed to users and events. */
export interface MemberInfo {
  readonly name: string;
  readonly address: Address;
  readonly status: MemberStatus;
  readonly incarnation: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly sections: Readonly<Record<string, Uint8Array>>;
}

export function snapshot(m: Member): MemberInfo {
  return {
    name: m.name,
    address: m.address,
    status: m.status,
    incarnation: m.incarnation,
    tags: m.meta.tags,
    sections: m.meta.sections,
  };
}

/**
 * Members by name plus a shuffled probe order (randomized round-robin: every
 * member is probed once per round, in a fresh random order each round).
 */
export class MemberTable {
  private readonly byName = new Map<string, Member>();
  private order: Member[] = [];
  private probeIndex = 0;
  private live = 0;

  /**
   * @param intern maps a name or address to a canonical copy; a simulator running
   * thousands of overlays in one heap shares one copy per string (the default keeps them as given).
   * @param check what a status or incarnation change must respect (see invariants.ts)
   * @param selfName this node's name: it is never suspect or dead in its own table
   */
  constructor(
    private readonly rng: Rng,
    private readonly intern: (s: string) => string = (s) => s,
    private readonly check: Invariant = UNCHECKED,
    private readonly selfName = "",
  ) {}

  get size(): number {
    return this.byName.size;
  }

  /** alive + suspect, including this node: the N in every log10(N) formula. */
  get liveCount(): number {
    return this.live;
  }

  get(name: string): Member | undefined {
    return this.byName.get(name);
  }

  all(): IterableIterator<Member> {
    return this.byName.values();
  }

  /** Adds at a random position of the probe order, so new members are not all probed last. */
  add(m: Member): void {
    m.name = this.intern(m.name);
    m.address = this.intern(m.address);
    this.byName.set(m.name, m);
    if (isLive(m.status)) this.live++;
    const n = this.order.length;
    const offset = this.rng.int(n + 1);
    this.order.push(m);
    const tmp = this.order[offset] as Member;
    this.order[offset] = m;
    this.order[n] = tmp;
  }

  setAddress(m: Member, address: Address): void {
    if (m.address !== address) m.address = this.intern(address);
  }

  setStatus(m: Member, status: MemberStatus, nowMs: number): void {
    if (m.status === status) return;
    const from = m.status;
    // A member that left comes back only by a newer alive (a rejoin): it is never suspected or failed.
    this.check(from !== "left" || status === "alive", "a left member turned " + status, () => ({
      member: m.name,
      incarnation: m.incarnation,
    }));
    this.check(
      m.name !== this.selfName || status === "alive" || status === "left",
      "this node turned " + status,
      () => ({
        incarnation: m.incarnation,
      }),
    );
    this.live += (isLive(status) ? 1 : 0) - (isLive(m.status) ? 1 : 0);
    m.status = status;
    m.stateChangeMs = nowMs;
  }

  /** Incarnations only grow: a message about an older one never takes effect. */
  setIncarnation(m: Member, incarnation: number): void {
    this.check(incarnation >= m.incarnation, "incarnation went back", () => ({
      member: m.name,
      from: m.incarnation,
      to: incarnation,
    }));
    m.incarnation = incarnation;
  }

  /** Live count agrees with the statuses (O(members): the simulator's periodic check, not the hot path). */
  checkCounts(): void {
    let live = 0;
    for (const m of this.byName.values()) if (isLive(m.status)) live++;
    this.check(live === this.live, "live count drifted", () => ({ counted: live, kept: this.live }));
    this.check(this.order.length === this.byName.size, "probe order lost members", () => ({
      order: this.order.length,
      members: this.byName.size,
    }));
  }

  /** This node is in its own table as itself, alive unless it is leaving. */
  checkSelf(present: boolean, leaving: boolean): void {
    const self = this.byName.get(this.selfName);
    this.check(present, "this node is missing from its own table");
    this.check(leaving || self?.status === "alive", "this node is not alive in its own table", () => ({
      status: self?.status,
    }));
  }

  remove(name: string): void {
    const m = this.byName.get(name);
    if (m === undefined) return;
    this.byName.delete(name);
    if (isLive(m.status)) this.live--;
    const i = this.order.indexOf(m);
    if (i >= 0) {
      this.order.splice(i, 1);
      if (i < this.probeIndex) this.probeIndex--;
    }
  }

  /** Next member in the probe round that passes `want`; reshuffles at the end of a round. */
  nextProbe(want: (m: Member) => boolean): Member | undefined {
    for (let checked = 0; checked <= this.order.length; checked++) {
      if (this.probeIndex >= this.order.length) {
        shuffle(this.order, this.rng);
        this.probeIndex = 0;
      }
      const m = this.order[this.probeIndex++];
      if (m !== undefined && want(m)) return m;
    }
    return undefined;
  }

  /** Up to k distinct random members passing `want`; tries at most 3 x size picks. */
  randomMembers(k: number, want: (m: Member) => boolean): Member[] {
    const out: Member[] = [];
    const n = this.order.length;
    for (let tries = 0; tries < 3 * n && out.length < k; tries++) {
      const m = this.order[this.rng.int(n)] as Member;
      if (want(m) && !out.includes(m)) out.push(m);
    }
    return out;
  }
}

export function isLive(s: MemberStatus): boolean {
  return s === "alive" || s === "suspect";
}

export function metaEqual(a: NodeMeta, b: NodeMeta): boolean {
  const at = Object.keys(a.tags);
  const as = Object.keys(a.sections);
  if (at.length !== Object.keys(b.tags).length || as.length !== Object.keys(b.sections).length) return false;
  for (const k of at) if (a.tags[k] !== b.tags[k]) return false;
  for (const k of as) {
    const x = a.sections[k] as Uint8Array;
    const y = b.sections[k];
    if (y === undefined || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}

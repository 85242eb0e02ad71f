import { type ListMembersRequest, type WatchMembersRequest } from "../gen/proto/hearsay/v1/gateway.js";
import {
  type Member,
  type MemberEvent,
  MemberEventKind,
  MemberStatus,
} from "../gen/proto/hearsay/v1/types.js";
import { InvalidArgument, ResourceExhausted } from "../errors/index.js";
import type { MemberChange, MemberChangeType, MemberView, NodeView } from "./node-view.js";

const STATUS: Record<MemberView["status"], MemberStatus> = {
  alive: MemberStatus.MEMBER_STATUS_ALIVE,
  suspect: MemberStatus.MEMBER_STATUS_SUSPECT,
  dead: MemberStatus.MEMBER_STATUS_DEAD,
  left: MemberStatus.MEMBER_STATUS_LEFT,
};

const KIND: Record<MemberChangeType, MemberEventKind> = {
  join: MemberEventKind.MEMBER_EVENT_KIND_JOIN,
  update: MemberEventKind.MEMBER_EVENT_KIND_UPDATE,
  suspect: MemberEventKind.MEMBER_EVENT_KIND_SUSPECT,
  alive: MemberEventKind.MEMBER_EVENT_KIND_ALIVE,
  fail: MemberEventKind.MEMBER_EVENT_KIND_FAIL,
  leave: MemberEventKind.MEMBER_EVENT_KIND_LEAVE,
  reap: MemberEventKind.MEMBER_EVENT_KIND_REAP,
};

/** Most tag filters in one request; each is a key and a value. */
const MAX_TAG_FILTERS = 64;

/**
 * The membership side of the client API: lists, filters and event
 * conversion, with the time of each member's last status change kept here
 * (the overlay does not expose it).
 */
export class MemberDirectory {
  private readonly since = new Map<string, number>();

  constructor(
    private readonly node: NodeView,
    private readonly nowMs: () => number,
    readonly protocolVersion: number,
  ) {
    const start = nowMs();
    for (const m of node.members()) this.since.set(m.name, start);
    node.onMemberChange((c) => {
      if (c.type === "reap") this.since.delete(c.member.name);
      else if (c.type !== "update") this.since.set(c.member.name, this.nowMs());
    });
  }

  aliveCount(): number {
    return this.node.members().filter((m) => m.status === "alive").length;
  }

  list(req: ListMembersRequest): Member[] {
    const statuses = new Set(req.statuses);
    for (const s of statuses) {
      if (!Object.values(STATUS).includes(s)) throw InvalidArgument.at("statuses", `unknown status ${s}`);
    }
    const tags = checkTags(req.tags);
    return this.node
      .members()
      .filter((m) => statuses.size === 0 || statuses.has(STATUS[m.status]))
      .filter((m) => hasTags(m, tags))
      .map((m) => this.toProto(m))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Events for a watcher: CURRENT for each known member first when asked, then
   * one SNAPSHOT_END (always, also without include_current: from there on the
   * watcher misses no change), then live changes. With a tag filter, a member
   * that stops carrying the tags gets one last event (its new tags show it no
   * longer matches), then no more.
   */
  watch(req: WatchMembersRequest, emit: (e: MemberEvent) => void): () => void {
    const tags = checkTags(req.tags);
    const matching = new Set(
      this.node
        .members()
        .filter((m) => hasTags(m, tags))
        .map((m) => m.name),
    );
    const unsubscribe = this.node.onMemberChange((c: MemberChange) => {
      const name = c.member.name;
      if (hasTags(c.member, tags) && c.type !== "reap") matching.add(name);
      else if (!matching.delete(name)) return;
      emit(this.event(KIND[c.type], c.member));
    });
    if (req.includeCurrent) {
      for (const m of this.node.members()) {
        if (hasTags(m, tags)) emit(this.event(MemberEventKind.MEMBER_EVENT_KIND_CURRENT, m));
      }
    }
    emit({
      kind: MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END,
      member: undefined,
      timeMs: BigInt(this.nowMs()),
    });
    return unsubscribe;
  }

  toProto(m: MemberView): Member {
    return {
      name: m.name,
      address: m.address,
      status: STATUS[m.status],
      incarnation: BigInt(m.incarnation),
      tags: { ...m.tags },
      statusSinceMs: BigInt(this.since.get(m.name) ?? this.nowMs()),
      protocolVersion: this.protocolVersion,
      subscribedTypes: [],
    };
  }

  private event(kind: MemberEventKind, m: MemberView): MemberEvent {
    return { kind, member: this.toProto(m), timeMs: BigInt(this.nowMs()) };
  }
}

function checkTags(tags: Record<string, string>): [string, string][] {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAG_FILTERS) {
    throw new ResourceExhausted(`tags: at most ${MAX_TAG_FILTERS} tag filters, got ${entries.length}`);
  }
  return entries;
}

function hasTags(m: MemberView, tags: [string, string][]): boolean {
  return tags.every(([k, v]) => m.tags[k] === v);
}

import { describe, expect, it } from "vitest";
import { MemberEventKind, type MemberEvent } from "../../src/gen/proto/hearsay/v1/types.js";
import type { MemberChange, MemberView, NodeView } from "../../src/gateway/index.js";
import { MemberDirectory } from "../../src/gateway/internal.js";

/** A membership table driven by the test, behind the same NodeView the agent adapts the overlay to. */
class Table implements NodeView {
  readonly rows = new Map<string, MemberView>();
  private readonly fns = new Set<(c: MemberChange) => void>();
  overlayAddress(): string {
    return "127.0.0.1:1";
  }
  members(): MemberView[] {
    return [...this.rows.values()];
  }
  onMemberChange(fn: (c: MemberChange) => void): () => void {
    this.fns.add(fn);
    return () => this.fns.delete(fn);
  }
  change(type: MemberChange["type"], name: string, tags: Record<string, string>): void {
    const m: MemberView = { name, address: `10.0.0.1:${name.length}`, status: "alive", incarnation: 1, tags };
    this.rows.set(name, m);
    for (const fn of this.fns) fn({ type, member: m });
  }
}

describe("MemberDirectory.watch with a tag filter", () => {
  it("reports a member that stops matching once, and nothing about it after", () => {
    const t = new Table();
    t.change("join", "a", { role: "broker" });
    t.change("join", "b", { role: "web" });
    const d = new MemberDirectory(t, () => 0, 1);
    const seen: MemberEvent[] = [];
    d.watch({ overlay: "", includeCurrent: true, tags: { role: "broker" } }, (e) => seen.push(e));
    t.change("update", "b", { role: "broker" }); // starts matching
    t.change("update", "a", { role: "web" }); // stops matching: one last event
    t.change("update", "a", { role: "web", x: "1" }); // not matching before or after: nothing
    t.change("reap", "b", { role: "broker" });
    expect(seen.map((e) => [e.kind, e.member?.name, e.member?.tags.role])).toEqual([
      [MemberEventKind.MEMBER_EVENT_KIND_CURRENT, "a", "broker"],
      [MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END, undefined, undefined],
      [MemberEventKind.MEMBER_EVENT_KIND_UPDATE, "b", "broker"],
      [MemberEventKind.MEMBER_EVENT_KIND_UPDATE, "a", "web"],
      [MemberEventKind.MEMBER_EVENT_KIND_REAP, "b", "broker"],
    ]);
  });
});

describe("MemberDirectory.watch snapshot end", () => {
  it("comes once, after the CURRENT events; alone for an empty set and without include_current", () => {
    const t = new Table();
    t.change("join", "a", { role: "broker" });
    const d = new MemberDirectory(t, () => 7, 1);
    const kinds = (req: { includeCurrent: boolean; tags: Record<string, string> }) => {
      const seen: MemberEvent[] = [];
      const stop = d.watch({ overlay: "", ...req }, (e) => seen.push(e));
      t.change("update", "a", { role: "broker" });
      stop();
      return seen.map((e) => [e.kind, e.member?.name]);
    };
    const { CURRENT, SNAPSHOT_END, UPDATE } = {
      CURRENT: MemberEventKind.MEMBER_EVENT_KIND_CURRENT,
      SNAPSHOT_END: MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END,
      UPDATE: MemberEventKind.MEMBER_EVENT_KIND_UPDATE,
    };
    expect(kinds({ includeCurrent: true, tags: {} })).toEqual([
      [CURRENT, "a"],
      [SNAPSHOT_END, undefined],
      [UPDATE, "a"],
    ]);
    expect(kinds({ includeCurrent: true, tags: { role: "web" } })).toEqual([[SNAPSHOT_END, undefined]]);
    expect(kinds({ includeCurrent: false, tags: {} })).toEqual([
      [SNAPSHOT_END, undefined],
      [UPDATE, "a"],
    ]);
  });
});

/** A member as the client API shows it (the overlay's MemberInfo fits this shape). */
export interface MemberView {
  readonly name: string;
  readonly address: string;
  readonly status: "alive" | "suspect" | "dead" | "left";
  readonly incarnation: number;
  readonly tags: Readonly<Record<string, string>>;
}

export type MemberChangeType = "join" | "update" | "suspect" | "alive" | "fail" | "leave" | "reap";

export interface MemberChange {
  readonly type: MemberChangeType;
  readonly member: MemberView;
}

/** What the client API needs from the node it fronts; the agent adapts its Overlay to this. */
export interface NodeView {
  /** Overlay address others reach this node on. */
  overlayAddress(): string;
  /** Every known member (alive, suspect, and tombstones not yet reaped), this node included. */
  members(): MemberView[];
  /** Calls `fn` on every membership change until the returned function is called. */
  onMemberChange(fn: (c: MemberChange) => void): () => void;
}

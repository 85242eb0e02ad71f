import type { MemberInfo } from "./members.js";
import type { Logger } from "../observe/index.js";

/**
 * join    a member appeared (new, or back after failing/leaving)
 * update  its tags or state sections changed
 * suspect it missed probes; `by` is the accuser
 * alive   it refuted a suspicion
 * fail    declared dead after the suspicion timeout
 * leave   it left gracefully
 * reap    its tombstone was forgotten
 */
export type MemberEventType = "join" | "update" | "suspect" | "alive" | "fail" | "leave" | "reap";

export interface MemberEvent {
  type: MemberEventType;
  member: MemberInfo;
  /** Who accused it (suspect) or declared it dead (fail). */
  by?: string;
  /** Ms on the overlay's clock. */
  atMs: number;
}

export type MemberListener = (e: MemberEvent) => void;

/** Synchronous fan-out; a throwing listener is logged and never breaks the protocol. */
export class Events {
  private listeners: MemberListener[] = [];

  constructor(private readonly log: Logger) {}

  on(fn: MemberListener): () => void {
    this.listeners = [...this.listeners, fn];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== fn);
    };
  }

  emit(e: MemberEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log.error("overlay: member event listener threw", { err: String(err), event: e.type });
      }
    }
  }
}

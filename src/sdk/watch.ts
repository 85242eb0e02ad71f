import {
  type Member,
  type MemberEvent,
  MemberEventKind,
  type Service,
  type ServiceEvent,
  ServiceEventKind,
} from "../gen/proto/hearsay/v1/types.js";
import { Cancelled } from "./errors.js";
import type { ResilientStream } from "./stream.js";

/** A stream of events the consumer iterates with `for await` and ends with close() or an AbortSignal. */
export interface Watch<T> extends AsyncIterable<T> {
  close(): void;
}

/**
 * A watch that can hand over the current set in one piece. snapshot() resolves
 * with the set the watch's first events describe (the CURRENT ones, with
 * include_current) once the watch has passed the gateway's SNAPSHOT_END: []
 * when there is none, or without include_current. Called before iterating it
 * reads those events itself, and iteration goes on after them; called while a
 * loop iterates, it resolves when the loop passes the SNAPSHOT_END. Later
 * calls get the same answer; it rejects if the watch ends first.
 */
export interface SnapshotWatch<T, S> extends Watch<T> {
  snapshot(): Promise<S[]>;
}

/** Membership events; snapshot() resolves with the members known when the watch began. */
export type MemberWatch = SnapshotWatch<MemberEvent, Member>;
/** Service events; snapshot() resolves with the instances known when the watch began. */
export type ServiceWatch = SnapshotWatch<ServiceEvent, Service>;

/** How one kind of event adds to a snapshot. */
interface SnapshotRules<T, S> {
  isEnd(e: T): boolean;
  /** The item and its key, or null for an event about nothing. */
  itemOf(e: T): { key: string; item: S } | null;
  /** The event removes its item from the set. */
  removes(e: T): boolean;
}

export const MEMBER_SNAPSHOT: SnapshotRules<MemberEvent, Member> = {
  isEnd: (e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_SNAPSHOT_END,
  itemOf: (e) => (e.member ? { key: e.member.name, item: e.member } : null),
  removes: (e) => e.kind === MemberEventKind.MEMBER_EVENT_KIND_REAP,
};

export const SERVICE_SNAPSHOT: SnapshotRules<ServiceEvent, Service> = {
  isEnd: (e) => e.kind === ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END,
  itemOf: (e) => (e.instance ? { key: `${e.instance.name}\u0000${e.instance.id}`, item: e.instance } : null),
  removes: (e) =>
    e.kind === ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED ||
    e.kind === ServiceEventKind.SERVICE_EVENT_KIND_EXPIRED,
};

/** What pull() answers once the stream is over. */
const END: unique symbol = Symbol("end");

/**
 * A ResilientStream of watch events with snapshot(). The set is keyed (member
 * name; service name and id), so CURRENT events sent again after a reconnect
 * in the middle of the snapshot replace the ones before instead of doubling.
 */
export class SnapshotWatchStream<T, S> implements SnapshotWatch<T, S> {
  private source: AsyncIterator<T> | null = null;
  private iterating = false;
  private reader: Promise<void> | null = null;
  private readonly set = new Map<string, S>();
  private done = false;
  private readonly ended: Promise<S[]>;
  private resolve!: (s: S[]) => void;
  private reject!: (err: unknown) => void;

  constructor(
    private readonly stream: ResilientStream<T>,
    private readonly rules: SnapshotRules<T, S>,
  ) {
    this.ended = new Promise<S[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.ended.catch(() => {}); // nobody need ask for it
  }

  close(): void {
    this.stream.close();
  }

  snapshot(): Promise<S[]> {
    if (!this.done && !this.iterating) this.reader ??= this.readToEnd();
    return this.ended;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    if (this.iterating) throw new TypeError("a hearsay watch can be iterated only once");
    this.iterating = true;
    const src = this.events();
    try {
      // What snapshot() is reading is its own; the iteration starts after the end.
      await this.reader;
      for (;;) {
        const e = await this.pull(src);
        if (e === END) return;
        yield e;
      }
    } finally {
      await src.return?.();
    }
  }

  private events(): AsyncIterator<T> {
    this.source ??= this.stream[Symbol.asyncIterator]();
    return this.source;
  }

  private async readToEnd(): Promise<void> {
    const src = this.events();
    try {
      while (!this.done) {
        if ((await this.pull(src)) === END) return;
      }
    } catch {
      // ended: this.ended is rejected with it
    }
  }

  /** The next event, added to the snapshot until its end; END when the stream is over. */
  private async pull(src: AsyncIterator<T>): Promise<T | typeof END> {
    let r: IteratorResult<T>;
    try {
      r = await src.next();
    } catch (err) {
      this.fail(err);
      throw err;
    }
    if (r.done) {
      this.fail(new Cancelled("watch: ended before the gateway's snapshot end"));
      return END;
    }
    if (!this.done) this.add(r.value);
    return r.value;
  }

  private add(e: T): void {
    if (this.rules.isEnd(e)) {
      this.done = true;
      this.resolve([...this.set.values()]);
      return;
    }
    const it = this.rules.itemOf(e);
    if (!it) return;
    if (this.rules.removes(e)) this.set.delete(it.key);
    else this.set.set(it.key, it.item);
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.reject(err);
  }
}

// Membership events as the bench process sees them arrive, per channel and
// observing agent, with waits bounded by timeouts. Both systems feed this
// the same way, so both are timed by the same clock at the same place.

export type EventKind = "join" | "fail" | "leave";

export interface ObservedEvent {
  /** How the event reached the bench, e.g. "log", "rpc", "grpc". */
  readonly channel: string;
  /** Agent that reported the event. */
  readonly observer: string;
  /** Member the event is about. */
  readonly member: string;
  readonly kind: EventKind;
  /** Arrival time in the bench process, performance.now() milliseconds. */
  readonly atMs: number;
}

export interface Spread {
  /** Earliest and latest arrival among the observers (performance.now() ms). */
  readonly firstMs: number;
  readonly lastMs: number;
}

/** Upper bound on stored arrival times; a cluster run stores a few thousand. */
const MAX_EVENTS = 200_000;

export class Observations {
  /** "channel|observer|member|kind" -> arrival times, ascending. */
  private readonly arrivals = new Map<string, number[]>();
  private stored = 0;
  /** channel -> observer -> member -> last kind */
  private readonly views = new Map<string, Map<string, Map<string, EventKind>>>();
  private readonly waiters = new Set<() => void>();
  dropped = 0;

  record(e: ObservedEvent): void {
    if (this.stored >= MAX_EVENTS) {
      this.dropped++;
    } else {
      const key = arrivalKey(e.channel, e.observer, e.member, e.kind);
      let times = this.arrivals.get(key);
      if (!times) this.arrivals.set(key, (times = []));
      times.push(e.atMs);
      this.stored++;
    }
    this.view(e.channel, e.observer).set(e.member, e.kind);
    for (const w of [...this.waiters]) w();
  }

  /** What `observer` currently believes about each member, on `channel`. */
  view(channel: string, observer: string): Map<string, EventKind> {
    let byObserver = this.views.get(channel);
    if (!byObserver) this.views.set(channel, (byObserver = new Map()));
    let v = byObserver.get(observer);
    if (!v) byObserver.set(observer, (v = new Map()));
    return v;
  }

  /** Arrival time of the first `kind` event about `member` from `observer` at or after `sinceMs`. */
  firstSeen(
    channel: string,
    observer: string,
    member: string,
    kind: EventKind,
    sinceMs: number,
  ): number | null {
    const times = this.arrivals.get(arrivalKey(channel, observer, member, kind)) ?? [];
    return times.find((t) => t >= sinceMs) ?? null;
  }

  /**
   * First and last arrival of `kind` about `member` over all `observers`, or
   * the observers still missing it when `timeoutMs` runs out.
   */
  async spread(
    channel: string,
    observers: readonly string[],
    member: string,
    kind: EventKind,
    sinceMs: number,
    timeoutMs: number,
  ): Promise<Spread | { readonly missing: readonly string[] }> {
    const times = (): (number | null)[] =>
      observers.map((o) => this.firstSeen(channel, o, member, kind, sinceMs));
    await this.until(() => times().every((t) => t !== null), timeoutMs);
    const ts = times();
    const missing = observers.filter((_, i) => ts[i] === null);
    if (missing.length > 0 || ts.length === 0) return { missing };
    const seen = ts as number[];
    return { firstMs: Math.min(...seen), lastMs: Math.max(...seen) };
  }

  /** Resolves true once `predicate` holds (checked on every event), false on timeout. */
  until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (predicate()) done(true);
      };
      const timer = setTimeout(() => done(predicate()), timeoutMs);
      this.waiters.add(check);
    });
  }
}

function arrivalKey(channel: string, observer: string, member: string, kind: EventKind): string {
  return `${channel}|${observer}|${member}|${kind}`;
}

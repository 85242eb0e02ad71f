import { InvalidArgument, NotFound } from "../errors/index.js";

export interface LongPollLimits {
  /** A subscription not polled for this long is closed; polling it then answers NOT_FOUND. @default 60000 */
  idleExpiryMs: number;
  /** Longest wait one poll may ask for. @default 30000 */
  maxWaitMs: number;
  /** Most items one poll returns. @default 4096 */
  maxItems: number;
}

export const DEFAULT_LONG_POLL_LIMITS: LongPollLimits = {
  idleExpiryMs: 60_000,
  maxWaitMs: 30_000,
  maxItems: 4096,
};

/** Something a client drains by polling: a subscription or a member/service watch. */
export interface Pollable<T> {
  readonly id: string;
  /** At most `max` items; may throw a HearsayError (e.g. a watch that fell too far behind). */
  drain(max: number): T[];
  onReadable(fn: () => void): void;
  close(): void;
}

interface Entry<T> {
  sub: Pollable<T>;
  lastPollMs: number;
  polling: boolean;
}

/**
 * Subscriptions and watches for clients without streams (Thrift): `open`
 * returns an id, `poll` waits up to waitMs for items, idle ones expire. Items
 * are the source's own (digests and gap notices, or watch events); nothing is
 * lost between polls beyond what the source's bounded queue reports.
 */
export class LongPoll<T> {
  private readonly open_ = new Map<string, Entry<T>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    /** "subscription" or "watch", for error messages. */
    private readonly what: string,
    private readonly limits: LongPollLimits = DEFAULT_LONG_POLL_LIMITS,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(5_000, limits.idleExpiryMs));
    this.sweeper.unref();
  }

  open(sub: Pollable<T>): string {
    this.open_.set(sub.id, { sub, lastPollMs: Date.now(), polling: false });
    return sub.id;
  }

  async poll(id: string, maxItems: number, waitMs: number): Promise<T[]> {
    const e = this.open_.get(id);
    if (!e)
      throw new NotFound(
        `${this.what} "${id}" is unknown or expired (idle over ${this.limits.idleExpiryMs} ms)`,
      );
    if (e.polling)
      throw InvalidArgument.at(`${this.what}Id`, `a poll of this ${this.what} is already waiting`);
    const max = Math.max(1, Math.min(maxItems > 0 ? maxItems : this.limits.maxItems, this.limits.maxItems));
    const wait = Math.max(0, Math.min(waitMs, this.limits.maxWaitMs));
    e.lastPollMs = Date.now();
    let items = this.drain(id, e, max);
    if (items.length === 0 && wait > 0) {
      e.polling = true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        e.sub.onReadable(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      e.polling = false;
      e.lastPollMs = Date.now();
      if (!this.open_.has(id)) return [];
      items = this.drain(id, e, max);
    }
    return items;
  }

  /** A source that throws (fell behind) is closed; the client sees the error once. */
  private drain(id: string, e: Entry<T>, max: number): T[] {
    try {
      return e.sub.drain(max);
    } catch (err) {
      this.close(id);
      throw err;
    }
  }

  close(id: string): void {
    this.open_.get(id)?.sub.close();
    this.open_.delete(id);
  }

  closeAll(): void {
    clearInterval(this.sweeper);
    for (const id of [...this.open_.keys()]) this.close(id);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, e] of this.open_) {
      if (!e.polling && now - e.lastPollMs > this.limits.idleExpiryMs) this.close(id);
    }
  }
}

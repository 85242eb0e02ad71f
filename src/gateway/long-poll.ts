import type { Digest, GapNotice } from "../gen/proto/hearsay/v1/types.js";
import type { OpenSubscription } from "./digest-service.js";
import { ApiError } from "./errors.js";

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

interface Entry {
  sub: OpenSubscription;
  lastPollMs: number;
  polling: boolean;
}

/**
 * Subscriptions for clients without streams (Thrift): `open` returns an id,
 * `poll` waits up to waitMs for items, idle ones expire. Items are the
 * subscription's own (digests and gap notices); nothing is lost between polls
 * beyond what the subscription's bounded queue reports as a gap.
 */
export class LongPollSubscriptions {
  private readonly open_ = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly limits: LongPollLimits = DEFAULT_LONG_POLL_LIMITS) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(5_000, limits.idleExpiryMs));
    this.sweeper.unref();
  }

  open(sub: OpenSubscription): string {
    this.open_.set(sub.id, { sub, lastPollMs: Date.now(), polling: false });
    return sub.id;
  }

  async poll(
    id: string,
    maxItems: number,
    waitMs: number,
  ): Promise<Array<{ digest: Digest } | { gap: GapNotice }>> {
    const e = this.open_.get(id);
    if (!e)
      throw ApiError.notFound(
        `subscription "${id}" is unknown or expired (idle over ${this.limits.idleExpiryMs} ms)`,
      );
    if (e.polling)
      throw ApiError.invalidArgument("subscriptionId", "a poll of this subscription is already waiting");
    const max = Math.max(1, Math.min(maxItems > 0 ? maxItems : this.limits.maxItems, this.limits.maxItems));
    const wait = Math.max(0, Math.min(waitMs, this.limits.maxWaitMs));
    e.lastPollMs = Date.now();
    let items = e.sub.drain(max);
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
      items = e.sub.drain(max);
    }
    return items;
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

/**
 * Transmit-limited queue of membership news. Each item is sent at most
 * `limit()` times (retransmits = mult x ceil(log10(N + 1))), fewest-sent and
 * newest first. News about a node replaces older news about the same node.
 * Bounded: beyond `maxItems` the most-transmitted, oldest items are dropped.
 */
interface Item {
  key: string;
  part: Uint8Array;
  transmits: number;
  id: number;
  live: boolean;
  onDone: (() => void) | undefined;
}

/** Smallest part worth looking for once the budget runs low. */
const MIN_PART_BYTES = 16;

export class BroadcastQueue {
  private readonly byKey = new Map<string, Item>();
  private buckets: Item[][] = [];
  private nextId = 0;
  private count = 0;
  /** onDone callbacks run after the queue is consistent again (they may re-enter it). */
  private doneLater: Array<() => void> = [];
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly limit: () => number,
    private readonly maxItems: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Queues `part` under `key`, replacing older news with that key. `onDone` runs when it is sent out or replaced. */
  queue(key: string, part: Uint8Array, onDone?: () => void): void {
    const old = this.byKey.get(key);
    if (old !== undefined) this.retire(old);
    const item: Item = { key, part, transmits: 0, id: this.nextId++, live: true, onDone };
    this.byKey.set(key, item);
    this.bucket(0).push(item);
    this.count++;
    // Prune with headroom (to 90% of the cap) so a burst of news costs one pass, not one per item.
    if (this.count > this.maxItems) this.prune(Math.floor(this.maxItems * 0.9));
    this.flushDone();
  }

  /** Takes parts fitting `budgetBytes`, counting `overheadBytes` per part; each take is one transmit. */
  take(overheadBytes: number, budgetBytes: number, maxParts = Infinity): Uint8Array[] {
    const out: Uint8Array[] = [];
    const limit = Math.max(1, this.limit());
    let left = budgetBytes;
    const promoted: Item[] = [];
    for (let t = 0; t < this.buckets.length && left >= MIN_PART_BYTES + overheadBytes; t++) {
      const b = this.buckets[t] as Item[];
      let removed = false;
      for (
        let i = b.length - 1;
        i >= 0 && left >= MIN_PART_BYTES + overheadBytes && out.length < maxParts;
        i--
      ) {
        const item = b[i] as Item;
        if (!item.live || item.transmits !== t) {
          removed = true;
          continue;
        }
        const cost = item.part.length + overheadBytes;
        if (cost > left) continue;
        left -= cost;
        out.push(item.part);
        item.transmits++;
        removed = true;
        if (item.transmits >= limit) this.retire(item);
        else promoted.push(item);
      }
      if (removed) this.buckets[t] = b.filter((it) => it.live && it.transmits === t);
    }
    for (const item of promoted) insertById(this.bucket(item.transmits), item);
    this.flushDone();
    return out;
  }

  /** Drops everything (shutdown). */
  reset(): void {
    for (const item of this.byKey.values()) this.retire(item);
    this.buckets = [];
    this.flushDone();
  }

  /** Keeps the `max` fewest-sent items. */
  prune(max: number): void {
    for (let t = this.buckets.length - 1; t >= 0 && this.count > max; t--) {
      const b = this.buckets[t] as Item[];
      for (let i = 0; i < b.length && this.count > max; i++) {
        const item = b[i] as Item;
        if (item.live && item.transmits === t) {
          this.retire(item);
          this.dropped++;
        }
      }
      this.buckets[t] = b.filter((it) => it.live && it.transmits === t);
    }
  }

  private retire(item: Item): void {
    if (!item.live) return;
    item.live = false;
    this.count--;
    if (this.byKey.get(item.key) === item) this.byKey.delete(item.key);
    if (item.onDone !== undefined) this.doneLater.push(item.onDone);
  }

  private flushDone(): void {
    while (this.doneLater.length > 0) {
      const fns = this.doneLater;
      this.doneLater = [];
      for (const fn of fns) fn();
    }
  }

  private bucket(t: number): Item[] {
    while (this.buckets.length <= t) this.buckets.push([]);
    return this.buckets[t] as Item[];
  }
}

/** Buckets stay sorted by id (oldest first), so scanning from the end yields the newest. */
function insertById(b: Item[], item: Item): void {
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((b[mid] as Item).id < item.id) lo = mid + 1;
    else hi = mid;
  }
  b.splice(lo, 0, item);
}

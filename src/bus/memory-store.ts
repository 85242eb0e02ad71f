import { digestBytes, streamKey, type Digest } from "./digest.js";
import {
  DEFAULT_RETENTION,
  LEGACY_EPOCH,
  ZERO_MARK,
  type LogStore,
  type Mark,
  type RetentionLimits,
  type StreamLogInfo,
} from "./log-store.js";

interface StreamLog {
  key: string;
  origin: string;
  epoch: number;
  type: string;
  floor: Mark;
  entries: Digest[];
  /** Store time of each entry (this node's clock), parallel to `entries`. */
  times: number[];
  /** Index of the first live entry (evicted ones before it are dropped lazily). */
  head: number;
}

/** Called for each evicted entry with its append ordinal (the file store drops whole segments by it). */
export type EvictHook = (ordinal: number) => void;

/**
 * In-memory retention log. Entries are evicted oldest-first globally (a FIFO
 * of appends); within a stream append order is type-sequence order, so
 * eviction always takes a stream's front and leaves it contiguous.
 */
export class MemoryLogStore implements LogStore {
  private readonly logs = new Map<string, StreamLog>();
  // The FIFO of appends as parallel arrays (no object per retained digest): its stream, bytes, store time.
  private fifoLogs: StreamLog[] = [];
  private fifoBytes: number[] = [];
  private fifoTimes: number[] = [];
  private fifoHead = 0;
  private ordinalBase = 0;
  private total = 0;
  private totalBytes = 0;
  /** The log the last append went to (consecutive appends are mostly of one stream). */
  private lastLog: StreamLog | null = null;
  onEvict: EvictHook | null = null;

  /** `epoch`: this node's own (newEpoch when the log is new; a reopened log keeps its own). */
  constructor(
    readonly limits: RetentionLimits = DEFAULT_RETENTION,
    readonly epoch: number = LEGACY_EPOCH,
  ) {}

  get count(): number {
    return this.total;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Ordinal the next append gets (0-based over the store's life). */
  get nextOrdinal(): number {
    return this.ordinalBase + this.fifoLogs.length;
  }

  append(d: Digest, nowMs: number): boolean {
    const log = this.logOf(d.origin, d.epoch, d.type);
    const last = log.entries[log.entries.length - 1];
    const above = log.entries.length > log.head && last !== undefined ? last.typeSeq : log.floor.typeSeq;
    if (d.typeSeq <= above) return false;
    const bytes = digestBytes(d);
    log.entries.push(d);
    log.times.push(nowMs);
    this.fifoLogs.push(log);
    this.fifoBytes.push(bytes);
    this.fifoTimes.push(nowMs);
    this.total++;
    this.totalBytes += bytes;
    while (this.total > this.limits.maxDigests || this.totalBytes > this.limits.maxBytes) this.evictOne();
    return true;
  }

  read(key: string, afterTypeSeq: number, maxDigests: number, maxBytes: number): Digest[] {
    const log = this.logs.get(key);
    if (log === undefined) return [];
    const out: Digest[] = [];
    let bytes = 0;
    for (let i = this.lowerBound(log, (d) => d.typeSeq > afterTypeSeq); i < log.entries.length; i++) {
      const d = log.entries[i] as Digest;
      const b = digestBytes(d);
      if (out.length >= maxDigests || (out.length > 0 && bytes + b > maxBytes)) break;
      out.push(d);
      bytes += b;
    }
    return out;
  }

  stream(key: string): StreamLogInfo | undefined {
    const log = this.logs.get(key);
    return log === undefined ? undefined : info(log);
  }

  *streams(): Iterable<StreamLogInfo> {
    for (const log of this.logs.values()) yield info(log);
  }

  setFloor(origin: string, epoch: number, type: string, floor: Mark): void {
    const key = streamKey(origin, epoch, type);
    if (this.logs.has(key)) return;
    this.logs.set(key, { key, origin, epoch, type, floor: { ...floor }, entries: [], times: [], head: 0 });
  }

  atOrBefore(key: string, typeSeq: number): Mark | undefined {
    const log = this.logs.get(key);
    if (log === undefined) return undefined;
    const i = this.lowerBound(log, (d) => d.typeSeq > typeSeq) - 1;
    return i >= log.head ? mark(log.entries[i] as Digest) : undefined;
  }

  firstStoredAtOrAfter(key: string, timeMs: number): Mark | undefined {
    const log = this.logs.get(key);
    if (log === undefined) return undefined;
    // Store times grow within a stream (appends are in arrival order on one clock).
    let lo = log.head;
    let hi = log.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log.times[mid] as number) >= timeMs) hi = mid;
      else lo = mid + 1;
    }
    const d = log.entries[lo];
    return d === undefined ? undefined : mark(d);
  }

  evict(nowMs: number): number {
    let n = 0;
    for (;;) {
      const storedAtMs = this.fifoTimes[this.fifoHead];
      if (storedAtMs === undefined || nowMs - storedAtMs <= this.limits.maxAgeMs) return n;
      this.evictOne();
      n++;
    }
  }

  close(): void {}

  /** Test and restore hook: the store time of the oldest entry. */
  oldestStoredAtMs(): number | undefined {
    return this.fifoTimes[this.fifoHead];
  }

  private evictOne(): void {
    const at = this.fifoHead;
    const log = this.fifoLogs[at];
    if (log === undefined) return;
    const bytes = this.fifoBytes[at] as number;
    this.fifoLogs[at] = undefined as unknown as StreamLog;
    const ordinal = this.ordinalBase + at;
    this.fifoHead++;
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifoLogs.length) {
      this.fifoLogs = this.fifoLogs.slice(this.fifoHead);
      this.fifoBytes = this.fifoBytes.slice(this.fifoHead);
      this.fifoTimes = this.fifoTimes.slice(this.fifoHead);
      this.ordinalBase += this.fifoHead;
      this.fifoHead = 0;
    }
    const d = log.entries[log.head] as Digest;
    log.entries[log.head] = undefined as unknown as Digest;
    log.head++;
    log.floor = mark(d);
    if (log.head > 64 && log.head * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.times = log.times.slice(log.head);
      log.head = 0;
    }
    this.total--;
    this.totalBytes -= bytes;
    this.onEvict?.(ordinal);
  }

  private logOf(origin: string, epoch: number, type: string): StreamLog {
    const last = this.lastLog;
    if (last !== null && last.origin === origin && last.epoch === epoch && last.type === type) return last;
    this.lastLog = this.logFor(origin, epoch, type);
    return this.lastLog;
  }

  private logFor(origin: string, epoch: number, type: string): StreamLog {
    const key = streamKey(origin, epoch, type);
    let log = this.logs.get(key);
    if (log === undefined) {
      log = { key, origin, epoch, type, floor: ZERO_MARK, entries: [], times: [], head: 0 };
      this.logs.set(key, log);
    }
    return log;
  }

  /** First live index whose entry satisfies `pred` (monotone over the stream). */
  private lowerBound(log: StreamLog, pred: (d: Digest) => boolean): number {
    let lo = log.head;
    let hi = log.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(log.entries[mid] as Digest)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function mark(d: Digest): Mark {
  return { typeSeq: d.typeSeq, seq: d.seq, publishTimeMs: d.publishTimeMs };
}

function info(log: StreamLog): StreamLogInfo {
  const n = log.entries.length - log.head;
  const last = n > 0 ? mark(log.entries[log.entries.length - 1] as Digest) : null;
  return {
    key: log.key,
    origin: log.origin,
    epoch: log.epoch,
    type: log.type,
    floor: log.floor,
    last,
    count: n,
  };
}

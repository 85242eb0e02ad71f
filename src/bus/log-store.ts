import type { Digest } from "./digest.js";

/** A point in a stream: a type sequence with its origin sequence and publish time. */
export interface Mark {
  typeSeq: number;
  seq: number;
  publishTimeMs: number;
}

export const ZERO_MARK: Mark = { typeSeq: 0, seq: 0, publishTimeMs: 0 };

/** What a log holds of one stream (origin, epoch, type). */
export interface StreamLogInfo {
  readonly key: string;
  readonly origin: string;
  readonly epoch: number;
  readonly type: string;
  /** Everything at or below the floor is not held here: evicted, or from before this node tracked the stream. */
  readonly floor: Mark;
  /** Last entry held, or null when none (then the floor is the stream's head here). */
  readonly last: Mark | null;
  readonly count: number;
}

/** Retention bounds; the oldest entries go first when any is exceeded. */
export interface RetentionLimits {
  /** @default 100000 */
  maxDigests: number;
  /** Payload + type + header bytes. @default 256 MiB */
  maxBytes: number;
  /** Age by local store time (not the origin's clock). @default 1 h */
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionLimits = {
  maxDigests: 100_000,
  maxBytes: 256 * 1024 * 1024,
  maxAgeMs: 3_600_000,
};

/**
 * The retention log of one node. Synchronous, so the bus stays a plain state
 * machine; the in-memory store serves the simulator, the file store the data dir.
 * Within a stream entries are appended in increasing type sequence (holes are
 * allowed: digests given up as unrecoverable).
 */
export interface LogStore {
  /** This node's own epoch: chosen when the log was created (newEpoch), kept with it. */
  readonly epoch: number;
  /** Appends; false (and nothing stored) unless typeSeq is above the stream's last entry and floor. */
  append(d: Digest, nowMs: number): boolean;
  /** Entries of a stream with typeSeq > afterTypeSeq, in order, bounded by count and bytes (at least one if any). */
  read(key: string, afterTypeSeq: number, maxDigests: number, maxBytes: number): Digest[];
  stream(key: string): StreamLogInfo | undefined;
  streams(): Iterable<StreamLogInfo>;
  /** Declares a stream known from `floor` on (a node starting mid-stream); ignored if already known. */
  setFloor(origin: string, epoch: number, type: string, floor: Mark): void;
  /** The held entry with the largest typeSeq <= `typeSeq`. */
  atOrBefore(key: string, typeSeq: number): Mark | undefined;
  /** The first held entry stored here (this node's clock) at or after `timeMs`. */
  firstStoredAtOrAfter(key: string, timeMs: number): Mark | undefined;
  /** Applies the age bound (count and bytes are applied on append); returns entries evicted. */
  evict(nowMs: number): number;
  readonly count: number;
  readonly bytes: number;
  readonly limits: RetentionLimits;
  /** Flushes and releases files; the store is unusable afterwards. */
  close(): void;
}

/**
 * A new log epoch: the creation time in ms times 1024 plus a random 1..1023,
 * so epochs of one origin grow with its clock and two logs created in the
 * same millisecond still differ. Exact below 2^53 until the year 2248. A data
 * dir written before epochs existed holds epoch 1 (LEGACY_EPOCH).
 */
export function newEpoch(nowMs: number, rng: { int(n: number): number }): number {
  return Math.max(0, Math.floor(nowMs)) * 1024 + 1 + rng.int(1023);
}

export const LEGACY_EPOCH = 1;

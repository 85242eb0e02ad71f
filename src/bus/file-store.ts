import {
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { Packr, Unpackr } from "msgpackr";
import { copyBytes, NO_HEADERS, streamKey, type Digest } from "./digest.js";
import {
  DEFAULT_RETENTION,
  LEGACY_EPOCH,
  newEpoch,
  type LogStore,
  type Mark,
  type RetentionLimits,
  type StreamLogInfo,
} from "./log-store.js";
import { MemoryLogStore } from "./memory-store.js";

/**
 * Retention log in a data dir: append-only segment files of length-prefixed
 * MessagePack records, with an in-memory index (the MemoryLogStore, payloads
 * included: memory ~ retained bytes). Each segment starts with a checkpoint of
 * every stream's floor and head, so deleting old segments never loses where a
 * stream stood (an origin's own next sequence is recovered from it). A torn
 * last record (crash mid-write) is cut off on open.
 *
 * Records: [3, storedAtMs, origin, epoch, type, seq, typeSeq, publishTimeMs, payload, headers?]
 *          [4, origin, epoch, type, floorTypeSeq, floorSeq, floorTimeMs, headTypeSeq, headSeq, headTimeMs]
 * Kinds 1 and 2 are the same without the epoch (data dirs written before
 * epochs existed): read as epoch 1. The file `epoch` holds this node's own
 * epoch, written when the log is created.
 */
export interface FileStoreOptions {
  /** A new segment file starts past this size. @default 16 MiB */
  segmentBytes?: number;
  /** Max bytes of one record read back (corruption guard). @default 2 MiB */
  maxRecordBytes?: number;
  /** Draws the epoch of a new log. @default newEpoch(nowMs, Math.random) */
  newEpoch?: () => number;
}

export type FileStoreOpen = { ok: true; store: FileLogStore } | { ok: false; error: string };

interface Segment {
  n: number;
  path: string;
  lastOrdinal: number;
}

const packr = new Packr({ useRecords: false, variableMapSize: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, moreTypes: false });
const PREFIX = "seg-";
const EPOCH_FILE = "epoch";
const SUFFIX = ".log";

export class FileLogStore implements LogStore {
  private readonly mem: MemoryLogStore;
  private readonly segments: Segment[] = [];
  private fd = -1;
  private fileBytes = 0;
  private loading = true;
  /** Records skipped on open (corrupt or torn). */
  damagedRecords = 0;
  /** The dir held no log: this open created one, with a new epoch. */
  created = false;

  private constructor(
    readonly dir: string,
    limits: RetentionLimits,
    readonly epoch: number,
    private readonly segmentBytes: number,
    private readonly maxRecordBytes: number,
  ) {
    this.mem = new MemoryLogStore(limits, epoch);
    this.mem.onEvict = (ordinal) => this.dropSegmentsThrough(ordinal);
  }

  /** Opens (creating if needed) the log in `dir`, replaying its segments. Errors name the path. */
  static open(
    dir: string,
    nowMs: number,
    limits = DEFAULT_RETENTION,
    opts: FileStoreOptions = {},
  ): FileStoreOpen {
    let epoch: { epoch: number; created: boolean };
    try {
      mkdirSync(dir, { recursive: true });
      epoch = openEpoch(dir, opts.newEpoch ?? (() => newEpoch(nowMs, mathRng)));
    } catch (err) {
      return { ok: false, error: `${dir}: ${(err as Error).message}` };
    }
    const s = new FileLogStore(
      dir,
      limits,
      epoch.epoch,
      opts.segmentBytes ?? 16 * 1024 * 1024,
      opts.maxRecordBytes ?? 2 * 1024 * 1024,
    );
    s.created = epoch.created;
    try {
      s.load();
      s.loading = false;
      s.mem.evict(nowMs);
      s.roll();
      return { ok: true, store: s };
    } catch (err) {
      s.close();
      return { ok: false, error: `${dir}: ${(err as Error).message}` };
    }
  }

  get limits(): RetentionLimits {
    return this.mem.limits;
  }
  get count(): number {
    return this.mem.count;
  }
  get bytes(): number {
    return this.mem.bytes;
  }

  append(d: Digest, nowMs: number): boolean {
    const ordinal = this.mem.nextOrdinal;
    if (!this.mem.append(d, nowMs)) return false;
    if (this.loading) return true;
    const rec: unknown[] = [
      3,
      nowMs,
      d.origin,
      d.epoch,
      d.type,
      d.seq,
      d.typeSeq,
      d.publishTimeMs,
      d.payload,
    ];
    if (Object.keys(d.headers).length > 0) rec.push(new Map(Object.entries(d.headers)));
    this.write(packr.pack(rec));
    const seg = this.segments[this.segments.length - 1];
    if (seg !== undefined) seg.lastOrdinal = ordinal;
    if (this.fileBytes >= this.segmentBytes) this.roll();
    return true;
  }

  read(key: string, after: number, maxDigests: number, maxBytes: number): Digest[] {
    return this.mem.read(key, after, maxDigests, maxBytes);
  }
  stream(key: string): StreamLogInfo | undefined {
    return this.mem.stream(key);
  }
  streams(): Iterable<StreamLogInfo> {
    return this.mem.streams();
  }
  setFloor(origin: string, epoch: number, type: string, floor: Mark): void {
    if (this.mem.stream(streamKey(origin, epoch, type)) !== undefined) return;
    this.mem.setFloor(origin, epoch, type, floor);
    if (!this.loading) this.write(packr.pack(checkpoint(origin, epoch, type, floor, floor)));
  }
  atOrBefore(key: string, typeSeq: number): Mark | undefined {
    return this.mem.atOrBefore(key, typeSeq);
  }
  firstStoredAtOrAfter(key: string, timeMs: number): Mark | undefined {
    return this.mem.firstStoredAtOrAfter(key, timeMs);
  }
  evict(nowMs: number): number {
    return this.mem.evict(nowMs);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private write(body: Uint8Array): void {
    if (this.fd < 0) return;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length, 0);
    writeSync(this.fd, Buffer.concat([len, body]));
    this.fileBytes += 4 + body.length;
  }

  /** Starts a new segment with a checkpoint of every stream. */
  private roll(): void {
    this.close();
    const n = (this.segments[this.segments.length - 1]?.n ?? 0) + 1;
    const path = join(this.dir, `${PREFIX}${String(n).padStart(8, "0")}${SUFFIX}`);
    this.fd = openSync(path, "a");
    this.fileBytes = 0;
    this.segments.push({ n, path, lastOrdinal: this.mem.nextOrdinal - 1 });
    for (const s of this.mem.streams())
      this.write(packr.pack(checkpoint(s.origin, s.epoch, s.type, s.floor, s.last ?? s.floor)));
  }

  /** Deletes every segment (but the one being written) whose entries are all evicted. */
  private dropSegmentsThrough(ordinal: number): void {
    while (this.segments.length > 1) {
      const first = this.segments[0] as Segment;
      if (first.lastOrdinal > ordinal) return;
      this.segments.shift();
      if (!this.loading) unlinkSync(first.path);
      else this.doomed.push(first.path);
    }
  }

  private readonly doomed: string[] = [];

  private load(): void {
    const names = readdirSync(this.dir)
      .filter((f) => f.startsWith(PREFIX) && f.endsWith(SUFFIX))
      .sort();
    names.forEach((name, i) => {
      const path = join(this.dir, name);
      const seg: Segment = {
        n: Number(name.slice(PREFIX.length, -SUFFIX.length)) || 0,
        path,
        lastOrdinal: -1,
      };
      this.segments.push(seg);
      const buf = readFileSync(path);
      const good = this.replay(buf, seg);
      if (i === names.length - 1 && good < buf.length) {
        const fd = openSync(path, "r+");
        if (fstatSync(fd).size > good) ftruncateSync(fd, good);
        closeSync(fd);
      }
    });
    for (const p of this.doomed.splice(0)) unlinkSync(p);
  }

  /** Replays one segment; returns the offset after its last good record. */
  private replay(buf: Buffer, seg: Segment): number {
    let at = 0;
    while (at + 4 <= buf.length) {
      const len = buf.readUInt32BE(at);
      if (len > this.maxRecordBytes || at + 4 + len > buf.length) break;
      let rec: unknown;
      try {
        rec = unpackr.unpack(buf.subarray(at + 4, at + 4 + len));
      } catch {
        break;
      }
      at += 4 + len;
      if (!this.apply(rec, seg)) this.damagedRecords++;
    }
    if (at < buf.length) this.damagedRecords++;
    return at;
  }

  private apply(rec: unknown, seg: Segment): boolean {
    if (!Array.isArray(rec)) return false;
    // Kinds 1 and 2 predate epochs: the same fields without one (epoch 1).
    const legacy = rec[0] === 1 || rec[0] === 2;
    const r = legacy
      ? [rec[0] + 2, ...rec.slice(1, rec[0] === 1 ? 3 : 2), LEGACY_EPOCH, ...rec.slice(rec[0] === 1 ? 3 : 2)]
      : rec;
    if (r[0] === 3) {
      const d = toDigest(r);
      if (d === null) return false;
      const ordinal = this.mem.nextOrdinal;
      if (this.mem.append(d, r[1] as number)) seg.lastOrdinal = ordinal;
      return true;
    }
    if (r[0] !== 4 || r.length !== 10 || ![r[2], ...r.slice(4)].every((v) => Number.isSafeInteger(v)))
      return false;
    const [, origin, epoch, type, , , , ht, hs, hm] = r as [
      number,
      string,
      number,
      string,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    if (typeof origin !== "string" || typeof type !== "string") return false;
    // A checkpoint of a stream none of whose entries were replayed: they all went with
    // deleted segments, so the stream's head at checkpoint time is its floor now.
    this.mem.setFloor(origin, epoch, type, { typeSeq: ht, seq: hs, publishTimeMs: hm });
    return true;
  }
}

/** The dir's own epoch: read from its file, else 1 for a log written before epochs, else a new one (written). */
function openEpoch(dir: string, draw: () => number): { epoch: number; created: boolean } {
  const path = join(dir, EPOCH_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (text !== null) {
    const epoch = Number(text.trim());
    if (!Number.isSafeInteger(epoch) || epoch < 1)
      throw new Error(`${EPOCH_FILE}: not an epoch: "${text.slice(0, 40)}"`);
    return { epoch, created: false };
  }
  const hasLog = readdirSync(dir).some((f) => f.startsWith(PREFIX) && f.endsWith(SUFFIX));
  const epoch = hasLog ? LEGACY_EPOCH : draw();
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${epoch}\n`);
  renameSync(tmp, path);
  return { epoch, created: !hasLog };
}

const mathRng = { int: (n: number): number => Math.floor(Math.random() * n) };

function checkpoint(origin: string, epoch: number, type: string, floor: Mark, head: Mark): unknown[] {
  return [
    4,
    origin,
    epoch,
    type,
    floor.typeSeq,
    floor.seq,
    floor.publishTimeMs,
    head.typeSeq,
    head.seq,
    head.publishTimeMs,
  ];
}

function toDigest(r: unknown[]): Digest | null {
  const [, stored, origin, epoch, type, seq, typeSeq, time, payload, headers] = r;
  const ints = [stored, epoch, seq, typeSeq, time].every(
    (v) => typeof v === "number" && Number.isSafeInteger(v),
  );
  if (!ints || typeof origin !== "string" || typeof type !== "string" || !(payload instanceof Uint8Array))
    return null;
  if (headers !== undefined && !(headers instanceof Map)) return null;
  return {
    origin,
    epoch: epoch as number,
    type,
    seq: seq as number,
    typeSeq: typeSeq as number,
    publishTimeMs: time as number,
    payload: copyBytes(payload),
    headers:
      headers === undefined
        ? (NO_HEADERS as Record<string, string>)
        : (Object.fromEntries(headers as Map<string, string>) as Record<string, string>),
  };
}

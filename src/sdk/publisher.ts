import type * as grpc from "@grpc/grpc-js";
import type { PublishStreamRequest, PublishStreamResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { NewDigest } from "../gen/proto/hearsay/v1/types.js";
import type { Codec } from "./codec.js";
import {
  type Body,
  type PublishOptions,
  type PublishResult,
  toNewDigest,
  toPublishResult,
} from "./digest.js";
import {
  Cancelled,
  errorFromCode,
  FailedPrecondition,
  fromGrpcError,
  type HearsayError,
  Internal,
  ResourceExhausted,
} from "./errors.js";

export interface PublisherOptions {
  /** Most digests per PublishStream request (the gateway allows Info.limits.maxBatchDigests). @default 1024 */
  maxBatch?: number;
  /** How long a partial batch waits for more digests before it is sent, ms. @default 5 */
  lingerMs?: number;
  /** Digests buffered or awaiting acknowledgement; publish() beyond it rejects with ResourceExhausted. @default 65536 */
  maxPending?: number;
  /** Digests sent on one stream before it is ended to collect their acknowledgements. @default 16 x maxBatch */
  maxStreamDigests?: number;
  /**
   * Longest a stream stays open while digests keep coming, ms: their promises
   * resolve when it ends, so this bounds how late an acknowledgement comes. @default 200
   */
  maxStreamMs?: number;
}

type OpenStream = (
  cb: (err: grpc.ServiceError | null, res?: PublishStreamResponse) => void,
) => grpc.ClientWritableStream<PublishStreamRequest>;

interface Entry {
  readonly n: number;
  readonly digest: NewDigest;
  readonly promise: Promise<PublishResult>;
  resolve(r: PublishResult): void;
  reject(e: HearsayError): void;
}

/** One PublishStream call: the gateway acknowledges its digests when it ends. */
interface Flight {
  readonly call: grpc.ClientWritableStream<PublishStreamRequest>;
  readonly entries: Entry[];
  readonly startedMs: number;
  ended: boolean;
}

/**
 * Batches digests over PublishStream for high rates, like Kafka's producer:
 * a batch goes out when it holds `maxBatch` digests or `lingerMs` after its
 * first one. The gateway answers a PublishStream only when it ends, so the
 * publisher ends each stream after a linger with nothing more to send, at
 * `maxStreamDigests`, or `maxStreamMs` after it opened, and resolves every
 * digest's promise from the answer. While digests keep coming the stream stays
 * open and each batch goes out at once: a steady publisher never waits for an
 * acknowledgement round trip between batches (only once per `maxStreamMs`).
 * One stream is in flight at a time, which keeps digests in publish order.
 * If the gateway refuses a digest, the stream fails: the digests before it
 * stay published (their rejection says `published: true`), it and the ones
 * after it are not. Nothing is retried automatically (that could duplicate).
 */
export class Publisher {
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly maxPending: number;
  private readonly maxStreamDigests: number;
  private readonly maxStreamMs: number;
  private buffer: Entry[] = [];
  private flight: Flight | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pending = 0;
  private nextN = 0;
  private flushThrough = -1;
  private closed = false;

  constructor(
    private readonly open: OpenStream,
    private readonly overlay: string,
    opts: PublisherOptions = {},
    private readonly onClose: (p: Publisher) => void = () => {},
  ) {
    this.maxBatch = positive(opts.maxBatch ?? 1024, "maxBatch");
    this.lingerMs = Math.max(0, opts.lingerMs ?? 5);
    this.maxPending = positive(opts.maxPending ?? 65_536, "maxPending");
    this.maxStreamDigests = positive(opts.maxStreamDigests ?? 16 * this.maxBatch, "maxStreamDigests");
    this.maxStreamMs = positive(opts.maxStreamMs ?? 200, "maxStreamMs");
  }

  /** Queues one digest; resolves once the gateway has logged it. */
  publish<T>(type: string | Codec<T>, body: Body<T>, opts?: PublishOptions): Promise<PublishResult> {
    if (this.closed) return Promise.reject(new FailedPrecondition("publisher: closed"));
    if (this.pending >= this.maxPending) {
      return Promise.reject(
        new ResourceExhausted(
          `publisher: ${this.pending} digests pending (maxPending); await some or flush()`,
        ),
      );
    }
    let digest: NewDigest;
    try {
      digest = toNewDigest(type, body, opts);
    } catch (e) {
      return Promise.reject(fromGrpcError(e));
    }
    let resolve!: (r: PublishResult) => void;
    let reject!: (e: HearsayError) => void;
    const promise = new Promise<PublishResult>((res, rej) => ((resolve = res), (reject = rej)));
    // Callers may rely on flush()/close() for errors; an ignored rejection must not crash the process.
    promise.catch(() => {});
    this.buffer.push({ n: this.nextN++, digest, promise, resolve, reject });
    this.pending++;
    this.pump();
    return promise;
  }

  /** Sends everything queued now and resolves with the results of the digests pending at the call. */
  flush(): Promise<PublishResult[]> {
    const waiting = [...(this.flight?.entries ?? []), ...this.buffer].map((e) => e.promise);
    this.flushThrough = this.nextN - 1;
    this.pump();
    return Promise.all(waiting);
  }

  /** Flushes, then refuses further publishes; resolves with the flushed digests' results. */
  async close(): Promise<PublishResult[]> {
    if (this.closed) return [];
    const done = this.flush();
    this.closed = true;
    try {
      return await done;
    } finally {
      this.onClose(this);
    }
  }

  /**
   * Gives up at once: the stream in flight is cancelled (its digests are
   * rejected with `published` unknown), queued digests are rejected unsent.
   */
  abort(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.closed = true;
    const unsent = this.buffer;
    this.buffer = [];
    this.pending -= unsent.length;
    for (const e of unsent)
      e.reject(Object.assign(new Cancelled("publisher: aborted before sending"), { published: false }));
    this.flight?.call.cancel();
    this.onClose(this);
  }

  /** Digests queued or awaiting acknowledgement. */
  get pendingCount(): number {
    return this.pending;
  }

  private pump(): void {
    let f = this.flight;
    if (f === null) {
      if (this.buffer.length === 0) return;
      f = this.flight = this.startFlight();
    }
    if (f.ended) return;
    const urgent = (f.entries[0] ?? this.buffer[0])!.n <= this.flushThrough;
    while (
      f.entries.length < this.maxStreamDigests &&
      (this.buffer.length >= this.maxBatch || (urgent && this.buffer.length > 0))
    ) {
      this.write(f);
    }
    if (urgent || f.entries.length >= this.maxStreamDigests) this.endFlight(f);
    else if (this.timer === null) this.timer = setTimeout(() => this.linger(), this.lingerMs);
  }

  /** Sends what waited a linger; ends the stream when nothing came (idle), or it is full or old. */
  private linger(): void {
    this.timer = null;
    const f = this.flight;
    if (f === null || f.ended) return;
    const idle = this.buffer.length === 0;
    while (this.buffer.length > 0 && f.entries.length < this.maxStreamDigests) this.write(f);
    const full = f.entries.length >= this.maxStreamDigests;
    if (idle || full || performance.now() - f.startedMs >= this.maxStreamMs) this.endFlight(f);
    else this.timer = setTimeout(() => this.linger(), this.lingerMs);
  }

  private write(f: Flight): void {
    const batch = this.buffer.splice(0, Math.min(this.maxBatch, this.maxStreamDigests - f.entries.length));
    f.entries.push(...batch);
    f.call.write({ overlay: this.overlay, digests: batch.map((e) => e.digest) });
  }

  private endFlight(f: Flight): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    f.ended = true;
    f.call.end();
  }

  private startFlight(): Flight {
    const entries: Entry[] = [];
    const call = this.open((err, res) => {
      this.flight = null;
      this.pending -= entries.length;
      if (err) settleFailed(entries, fromGrpcError(err));
      else entries.forEach((e, i) => settleOne(e, res?.results[i]));
      this.pump();
    });
    return { call, entries, startedMs: performance.now(), ended: false };
  }
}

function settleOne(e: Entry, r: PublishStreamResponse["results"][number] | undefined): void {
  if (r) e.resolve(toPublishResult(r));
  else e.reject(new Internal("publisher: the gateway acknowledged fewer digests than were sent"));
}

/** The gateway names the refused digest's index in its stream: those before it were published. */
function settleFailed(entries: Entry[], err: HearsayError): void {
  const m = /digests\[(\d+)\]/.exec(err.message);
  const index = m ? Number(m[1]) : -1;
  entries.forEach((e, i) => {
    let msg = err.message;
    if (index >= 0 && i !== index) {
      msg = `${i < index ? "published" : "not published"}: digest ${index} of its stream was refused: ${err.message}`;
    }
    const e2 = errorFromCode(err.code, msg, err);
    e2.published = index < 0 ? undefined : i < index;
    e.reject(e2);
  });
}

function positive(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`publisher: ${name} must be a positive integer`);
  return n;
}

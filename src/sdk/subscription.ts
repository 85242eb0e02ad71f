import type * as grpc from "@grpc/grpc-js";
import {
  type SubscribeRequest,
  type SubscribeResponse,
  StartPosition,
} from "../gen/proto/hearsay/v1/gateway.js";
import { type Digest, type GapNotice, GapReason } from "../gen/proto/hearsay/v1/types.js";
import type { ReconnectOptions } from "./backoff.js";
import { type Codec, typeNameOf } from "./codec.js";
import { type Cursor, cursorFromProto, CursorState } from "./cursor.js";
import { Cancelled, type HearsayError } from "./errors.js";
import { ResilientStream } from "./stream.js";

/** A digest as a subscriber receives it. */
export interface DigestDelivery<T = unknown> {
  readonly kind: "digest";
  readonly type: string;
  /** "origin:epoch:sequence", unique in the overlay. */
  readonly id: string;
  readonly origin: string;
  /** The origin's log epoch (a restart without its data dir starts a newer one). */
  readonly epoch: bigint;
  /** Gapless per origin and epoch, from 1. */
  readonly sequence: bigint;
  /** Gapless per (origin, epoch, type), from 1: what cursors and gaps speak in. */
  readonly streamSequence: bigint;
  readonly publishTimeMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
  /** The payload decoded by the Codec given for its type; undefined for types subscribed by name. */
  readonly message: T | undefined;
  /** Set when the Codec failed to decode the payload (message is then undefined). */
  readonly decodeError?: Error;
  /** The payload as JSON, when subscribed with includeJson. */
  readonly json?: string;
  /** The subscription's cursor after this delivery: resume from it to continue right after. */
  readonly cursor: Cursor;
}

export type GapReasonName = "SLOW_CONSUMER" | "RETENTION_EXPIRED" | "UNRECOVERABLE" | "UNSPECIFIED";

/** A run of one origin's digests of one type that this subscriber lost. */
export interface GapRange {
  readonly origin: string;
  readonly epoch: bigint;
  readonly type: string;
  /** Stream sequences, inclusive; toSequence 0 = through the epoch's unknown end. */
  readonly fromSequence: bigint;
  readonly toSequence: bigint;
}

/** The backlog a subscription started with has been delivered (`Subscription.caughtUp`). */
export interface CaughtUp {
  /** Digests the gateway delivered before the marker. */
  readonly backlogDigests: number;
}

/** An explicit notice that digests were lost: loss is never silent. */
export interface GapDelivery {
  readonly kind: "gap";
  readonly reason: GapReasonName;
  readonly ranges: readonly GapRange[];
  readonly message: string;
  /** Cursor that skips past the gap. */
  readonly resumeFrom: Cursor;
  /** The subscription's cursor after this notice (the gap skipped). */
  readonly cursor: Cursor;
}

export type Delivery<T = unknown> = DigestDelivery<T> | GapDelivery;

/** The caught-up marker in the delivery queue, in order (never yielded). */
type CaughtUpMark = { kind: "caught-up"; caughtUp: CaughtUp; cursor?: undefined };

export interface SubscribeOptions {
  /** Resume after these positions; (origin, type) pairs absent from it follow `start`. */
  resumeFrom?: Cursor;
  /** Where pairs absent from the cursor start. @default "latest" */
  start?: "latest" | "earliest";
  /** Also deliver each payload rendered as JSON. @default false */
  includeJson?: boolean;
  /** Ends iteration cleanly when aborted. */
  signal?: AbortSignal;
  /** Most digests per gateway batch; 0 = the gateway's limit. @default 0 */
  maxBatchDigests?: number;
  /** Gateway keep-alive period on a quiet stream, ms; the stream is reopened after 3 silent periods. @default 15000 */
  keepaliveMs?: number;
  /** Reconnect timing; false = throw on the first failure. */
  reconnect?: ReconnectOptions | false;
  /** Deliveries buffered before the SDK stops reading (backpressure). @default 4096 */
  maxQueued?: number;
  /** Told about each failure that will be retried. */
  onRetry?: (err: HearsayError, attempt: number, delayMs: number) => void;
}

/** How far before its start a "latest" subscription accepts digests of new (origin, type) pairs, ms (the bus's startGraceMs). */
const START_GRACE_MS = 5_000;

const GAP_NAMES: Record<number, GapReasonName> = {
  [GapReason.GAP_REASON_SLOW_CONSUMER]: "SLOW_CONSUMER",
  [GapReason.GAP_REASON_RETENTION_EXPIRED]: "RETENTION_EXPIRED",
  [GapReason.GAP_REASON_UNRECOVERABLE]: "UNRECOVERABLE",
};

/**
 * A live subscription: iterate it with `for await`. It reconnects by itself,
 * resuming from the last position received, and drops anything at or before
 * that position, so a reconnect neither loses nor repeats digests.
 */
export class Subscription<T = unknown> implements AsyncIterable<Delivery<T>> {
  /** Resolves with the gateway's subscription id once the first stream has started. */
  readonly started: Promise<string>;
  /**
   * Resolves once the iteration has passed the backlog the subscription
   * started with (retained history): what it yields next is live.
   */
  readonly caughtUp: Promise<CaughtUp>;
  private caughtUpDone = false;
  private resolveCaughtUp!: (c: CaughtUp) => void;
  private readonly stream: ResilientStream<Delivery<T> | CaughtUpMark>;
  private readonly state: CursorState;
  private readonly codecs = new Map<string, Codec<T>>();
  private readonly types: string[];
  private last: Cursor;
  private caughtUpSeen = false;
  private opened = 0;
  private firstOpenMs = 0;
  private resolveStarted!: (id: string) => void;

  constructor(
    open: (req: SubscribeRequest) => grpc.ClientReadableStream<SubscribeResponse>,
    overlay: string,
    types: ReadonlyArray<string | Codec<T>>,
    private readonly opts: SubscribeOptions,
    onEnd: (s: Subscription<T>) => void,
  ) {
    for (const t of types) if (typeof t !== "string") this.codecs.set(t.typeName, t);
    this.types = [...new Set(types.map((t) => typeNameOf(t as string | Codec<unknown>)))];
    this.state = new CursorState(opts.resumeFrom);
    this.last = this.state.snapshot();
    let rejectStarted!: (e: HearsayError) => void;
    this.started = new Promise<string>((resolve, reject) => {
      this.resolveStarted = resolve;
      rejectStarted = reject;
    });
    this.started.catch(() => {});
    this.caughtUp = new Promise<CaughtUp>((resolve) => (this.resolveCaughtUp = resolve));
    const keepaliveMs = opts.keepaliveMs ?? 15_000;
    this.stream = new ResilientStream<Delivery<T> | CaughtUpMark>({
      open: () => open(this.request(overlay)),
      handle: (r) => this.handle(r as SubscribeResponse),
      reconnect: opts.reconnect ?? {},
      idleTimeoutMs: keepaliveMs * 3 + 5_000,
      maxQueued: opts.maxQueued ?? 4_096,
      signal: opts.signal,
      onRetry: opts.onRetry,
      onEnd: (err) => {
        rejectStarted(err ?? new Cancelled("subscription closed before it started"));
        onEnd(this);
      },
    });
  }

  /** The cursor after the last delivery handed to the consumer. */
  get cursor(): Cursor {
    return this.last;
  }

  /** Ends the subscription; a running `for await` loop ends without error. */
  close(): void {
    this.stream.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Delivery<T>, void, undefined> {
    for await (const d of this.stream) {
      if (d.kind === "caught-up") {
        this.caughtUpDone = true;
        this.resolveCaughtUp(d.caughtUp);
        continue;
      }
      this.last = d.cursor;
      yield d;
    }
  }

  private request(overlay: string): SubscribeRequest {
    const first = this.opened++ === 0;
    if (first) this.firstOpenMs = Date.now();
    // After a reconnect, pairs not yet in the cursor must still get what was
    // published since the subscription began: ask for everything, filter by time.
    const earliest = this.opts.start === "earliest" || !first;
    return {
      overlay,
      types: this.types,
      resumeFrom: first && !this.opts.resumeFrom ? undefined : this.state.toProto(),
      start: earliest ? StartPosition.START_POSITION_EARLIEST : StartPosition.START_POSITION_LATEST,
      includeJson: this.opts.includeJson ?? false,
      maxBatchDigests: this.opts.maxBatchDigests ?? 0,
      keepaliveIntervalMs: this.opts.keepaliveMs ?? 15_000,
    };
  }

  /** Whether the iteration has passed the backlog (see `caughtUp`). */
  get isCaughtUp(): boolean {
    return this.caughtUpDone;
  }

  private handle(r: SubscribeResponse): Array<Delivery<T> | CaughtUpMark> {
    const item = r.item;
    if (item?.$case === "batch") {
      const out: Delivery<T>[] = [];
      for (const d of item.batch.digests) {
        const delivery = this.accept(d);
        if (delivery) out.push(delivery);
      }
      return out;
    }
    if (item?.$case === "gap") return [this.gap(item.gap)];
    if (item?.$case === "caughtUp") {
      // Each (re)opened stream sends one; the subscription reports the first.
      if (this.caughtUpSeen) return [];
      this.caughtUpSeen = true;
      return [{ kind: "caught-up", caughtUp: { backlogDigests: Number(item.caughtUp.backlogDigests) } }];
    }
    if (item?.$case === "started") this.resolveStarted(item.started.subscriptionId);
    return [];
  }

  private accept(d: Digest): DigestDelivery<T> | null {
    const at = this.state.at(d.origin, d.type);
    if (this.state.has(d.origin, d.type, d.epoch, d.streamSequence)) return null;
    const latest = this.opts.start !== "earliest";
    if (at === undefined && latest && this.opened > 1) {
      if (Number(d.publishTimeMs) < this.firstOpenMs - START_GRACE_MS) return null;
    }
    this.state.advance(d.origin, d.type, d.epoch, d.streamSequence);
    const codec = this.codecs.get(d.type);
    let message: T | undefined;
    let decodeError: Error | undefined;
    if (codec) {
      try {
        message = codec.decode(d.payload);
      } catch (e) {
        decodeError = e instanceof Error ? e : new Error(String(e));
      }
    }
    return {
      kind: "digest",
      type: d.type,
      id: d.id,
      origin: d.origin,
      epoch: d.epoch,
      sequence: d.sequence,
      streamSequence: d.streamSequence,
      publishTimeMs: Number(d.publishTimeMs),
      headers: d.headers,
      payload: d.payload,
      message,
      ...(decodeError ? { decodeError } : {}),
      ...(d.json !== undefined ? { json: d.json } : {}),
      cursor: this.state.snapshot(),
    };
  }

  private gap(g: GapNotice): GapDelivery {
    const resumeFrom = cursorFromProto(g.resumeFrom);
    this.state.merge(resumeFrom);
    return {
      kind: "gap",
      reason: GAP_NAMES[g.reason] ?? "UNSPECIFIED",
      ranges: g.ranges.map((x) => ({
        origin: x.origin,
        epoch: x.epoch,
        type: x.type,
        fromSequence: x.fromSequence,
        toSequence: x.toSequence,
      })),
      message: g.message,
      resumeFrom,
      cursor: this.state.snapshot(),
    };
  }
}

import type * as grpc from "@grpc/grpc-js";
import type { SubscribeRequest, SubscribeResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { Metrics } from "../observe/index.js";
import type { SubscriptionItem } from "./digest-bus.js";
import { caughtUpToProto, gapToProto, type OpenSubscription } from "./digest-service.js";
import { SubscribeBatchEncoder } from "./subscribe-wire.js";

/** Keep-alive period when the client does not ask for one, ms. */
export const DEFAULT_KEEPALIVE_MS = 15_000;
const MIN_KEEPALIVE_MS = 1_000;
const MAX_KEEPALIVE_MS = 300_000;

const GRPC = { transport: "grpc" } as const;

type Call = grpc.ServerWritableStream<SubscribeRequest, SubscribeResponse>;

/** How a Subscribe stream batches: by count and by bytes, under the transport's message limit. */
export interface SubscribeBatching {
  /** Most digests per response (the request's maxBatchDigests may lower it). */
  maxBatchDigests: number;
  /** Budget of one response, bytes (limits.maxSubscribeBatchBytes). */
  maxBatchBytes: number;
  /** Largest message the server sends, bytes (grpc.max_send_message_length). */
  maxMessageBytes: number;
  metrics: Metrics;
}

/**
 * A subscription's items as responses, one at a time: runs of digests batched by count and bytes,
 * gap notices alone. What was drained but not yet written waits here, in order.
 */
class Responses {
  private pending: SubscriptionItem[] = [];
  private at = 0;
  private readonly encoder: SubscribeBatchEncoder;
  private readonly metrics: Metrics;

  constructor(
    private readonly sub: OpenSubscription,
    private readonly batchLimit: number,
    batching: SubscribeBatching,
  ) {
    this.encoder = new SubscribeBatchEncoder(sub.json, batching.maxBatchBytes, batching.maxMessageBytes);
    this.metrics = batching.metrics;
  }

  /** The next response (pre-encoded for a batch), or null when nothing is queued. */
  next(): SubscribeResponse | Buffer | null {
    if (this.at === this.pending.length) {
      this.pending = this.sub.drainItems(this.batchLimit);
      this.at = 0;
      if (this.pending.length === 0) return null;
    }
    const item = this.pending[this.at] as SubscriptionItem;
    if (item.kind === "gap") {
      this.at++;
      return { item: { $case: "gap", gap: gapToProto(item.gap) } };
    }
    if (item.kind === "caught-up") {
      this.at++;
      return { item: { $case: "caughtUp", caughtUp: caughtUpToProto(item.backlog) } };
    }
    const enc = this.encoder;
    const out = enc.encode(this.pending, this.at, this.batchLimit);
    this.at = enc.end;
    // Normal under large digests: counted, never logged.
    if (enc.cutByBytes) this.metrics.inc("gateway_subscribe_batches_cut_by_bytes_total", GRPC);
    if (enc.jsonOmitted > 0) this.metrics.inc("gateway_subscribe_json_omitted_total", GRPC, enc.jsonOmitted);
    return out;
  }

  clear(): void {
    this.pending = [];
    this.at = 0;
  }
}

/**
 * Streams one subscription to its client: a `started` message, then batches of
 * digests and gap notices as the bus queues them, and keep-alives on a quiet
 * stream. A batch ends at the count limit, at a gap notice, or before the digest
 * that would pass the byte budget (counted, not logged: a normal cut). Honours
 * backpressure: when write() returns false nothing more is encoded until "drain"
 * (what was drained but not yet written waits in `Responses`), so the subscription's
 * own bounded queue absorbs the difference and a slow client gets a gap notice
 * instead of growing memory. Returns a function that ends the stream (used at shutdown).
 */
export function streamSubscription(
  call: Call,
  sub: OpenSubscription,
  batching: SubscribeBatching,
): () => void {
  const req = call.request;
  const keepaliveMs = Math.min(
    MAX_KEEPALIVE_MS,
    Math.max(MIN_KEEPALIVE_MS, req.keepaliveIntervalMs || DEFAULT_KEEPALIVE_MS),
  );
  const max = batching.maxBatchDigests;
  const responses = new Responses(sub, Math.max(1, Math.min(max, req.maxBatchDigests || max)), batching);
  let closed = false;
  let blocked = false;
  let lastWriteMs = Date.now();

  const write = (msg: SubscribeResponse | Buffer): boolean => {
    lastWriteMs = Date.now();
    // Buffers are pre-encoded responses: the server serves GatewayServiceWithRawSubscribe.
    return (call as unknown as grpc.ServerWritableStream<SubscribeRequest, SubscribeResponse | Buffer>).write(
      msg,
    );
  };

  const pump = (): void => {
    if (closed || blocked) return;
    for (;;) {
      const msg = responses.next();
      if (msg === null) return sub.onReadable(pump);
      if (!write(msg)) {
        blocked = true;
        call.once("drain", () => {
          blocked = false;
          pump();
        });
        return;
      }
    }
  };

  const keepalive = setInterval(
    () => {
      if (!closed && !blocked && Date.now() - lastWriteMs >= keepaliveMs) {
        write({ item: { $case: "keepalive", keepalive: { serverTimeMs: BigInt(Date.now()) } } });
      }
    },
    Math.max(250, Math.floor(keepaliveMs / 4)),
  );
  keepalive.unref();

  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    responses.clear();
    sub.close();
  };
  call.on("cancelled", finish);
  call.on("close", finish);
  call.on("error", finish);

  write({ item: { $case: "started", started: { subscriptionId: sub.id, types: sub.types } } });
  pump();
  return () => {
    finish();
    call.end();
  };
}

import type * as grpc from "@grpc/grpc-js";
import type { SubscribeRequest, SubscribeResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { BusDigest } from "./digest-bus.js";
import { gapToProto, type OpenSubscription } from "./digest-service.js";
import { encodeDigestBatch } from "./subscribe-wire.js";

/** Keep-alive period when the client does not ask for one, ms. */
export const DEFAULT_KEEPALIVE_MS = 15_000;
const MIN_KEEPALIVE_MS = 1_000;
const MAX_KEEPALIVE_MS = 300_000;

type Call = grpc.ServerWritableStream<SubscribeRequest, SubscribeResponse>;

/**
 * Streams one subscription to its client: a `started` message, then batches of
 * digests and gap notices as the bus queues them, and keep-alives on a quiet
 * stream. Honours backpressure: when write() returns false nothing more is
 * drained until "drain", so the subscription's own bounded queue absorbs the
 * difference and a slow client gets a gap notice instead of growing memory.
 * Returns a function that ends the stream (used at shutdown).
 */
export function streamSubscription(call: Call, sub: OpenSubscription, maxBatch: number): () => void {
  const req = call.request;
  const keepaliveMs = Math.min(
    MAX_KEEPALIVE_MS,
    Math.max(MIN_KEEPALIVE_MS, req.keepaliveIntervalMs || DEFAULT_KEEPALIVE_MS),
  );
  const batchLimit = Math.max(1, Math.min(maxBatch, req.maxBatchDigests || maxBatch));
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
      const items = sub.drainItems(batchLimit);
      if (items.length === 0) return sub.onReadable(pump);
      let batch: BusDigest[] = [];
      let ok = true;
      const flush = () => {
        if (batch.length === 0) return;
        ok = write(encodeDigestBatch(batch, sub.json)) && ok;
        batch = [];
      };
      for (const item of items) {
        if (item.kind === "digest") batch.push(item.digest);
        else {
          flush();
          ok = write({ item: { $case: "gap", gap: gapToProto(item.gap) } }) && ok;
        }
      }
      flush();
      if (!ok) {
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

// Clients of the gateways: the generated GatewayClient for control calls,
// and raw calls on the same channel for the hot paths (pre-encoded publish
// batches, walked subscribe responses) so the bench process measures the
// gateways rather than its own protobuf encoder.
import * as grpc from "@grpc/grpc-js";
import {
  GatewayClient,
  GatewayService,
  PublishStreamResponse,
  SubscribeRequest,
} from "../../src/gen/proto/hearsay/v1/gateway.js";
import { BLOB_PROTO, BLOB_TYPE, walkResponse } from "./blob.js";
import { retry } from "./wait.js";

const CLIENT_OPTIONS = {
  "grpc.max_receive_message_length": 64 * 1024 * 1024,
  "grpc.max_send_message_length": 64 * 1024 * 1024,
};

export function connectGateway(address: string): GatewayClient {
  return new GatewayClient(address, grpc.credentials.createInsecure(), CLIENT_OPTIONS);
}

function unary<T>(fn: (cb: (err: grpc.ServiceError | null, res: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

/** Registers bench.Blob at `at` and waits until `others` know it (the registry is replicated). */
export async function registerBlob(at: GatewayClient, others: GatewayClient[], timeoutMs: number) {
  const deadline = new Date(Date.now() + timeoutMs);
  await unary((cb) =>
    at.registerDigestType(
      {
        overlay: "",
        name: BLOB_TYPE,
        schema: {
          source: {
            $case: "protoSource",
            protoSource: { files: [{ path: "bench/blob.proto", content: BLOB_PROTO }] },
          },
        },
        skipPayloadValidation: false,
        description: "bench/bus payload",
      },
      new grpc.Metadata(),
      { deadline },
      cb,
    ),
  );
  for (const c of others) {
    await retry(
      "digest type replicated",
      () =>
        unary((cb) =>
          c.getDigestType(
            { overlay: "", name: BLOB_TYPE },
            new grpc.Metadata(),
            { deadline: new Date(Date.now() + 1000) },
            cb,
          ),
        ),
      timeoutMs,
    );
  }
}

const identity = (b: Buffer): Buffer => b;

/**
 * Publishes pre-encoded PublishStreamRequest batches on PublishStream calls,
 * honouring backpressure (write() false -> wait for "drain"). A call is ended
 * and a new one opened every `batchesPerCall` batches, because the gateway
 * answers a call with one result per digest it accepted.
 */
export class Publisher {
  accepted = 0;
  errors: string[] = [];
  private call: grpc.ClientWritableStream<Buffer> | null = null;
  private inCall = 0;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly client: GatewayClient,
    private readonly batchesPerCall: number,
  ) {}

  /** Writes one batch; resolves when the stream accepts more (backpressure). */
  async write(batch: Buffer): Promise<void> {
    if (this.call === null) this.open();
    const call = this.call as grpc.ClientWritableStream<Buffer>;
    const more = call.write(batch);
    if (++this.inCall >= this.batchesPerCall) this.endCall();
    if (!more) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1_000); // bounded: a stuck stream is noticed by the caller's clock
        call.once("drain", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Ends the open call and waits (bounded) for every call's answer. */
  async finish(timeoutMs: number): Promise<void> {
    this.endCall();
    await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  private open(): void {
    this.inCall = 0;
    let done: () => void = () => {};
    const p = new Promise<void>((resolve) => (done = resolve));
    this.pending.add(p);
    this.call = this.client.makeClientStreamRequest<Buffer, PublishStreamResponse>(
      GatewayService.publishStream.path,
      identity,
      (b: Buffer) => PublishStreamResponse.decode(b),
      (err, res) => {
        if (err) this.errors.push(err.message);
        else if (res) this.accepted += Number(res.accepted);
        this.pending.delete(p);
        done();
      },
    );
  }

  private endCall(): void {
    this.call?.end();
    this.call = null;
  }
}

/** One Subscribe call, counting digests (and their send-time stamps when asked) as they arrive. */
export class Subscriber {
  digests = 0;
  gaps = 0;
  started = false;
  ended: string | null = null;
  onStamp: ((stampMs: number, nowMs: number) => void) | null = null;
  private readonly call: grpc.ClientReadableStream<Buffer>;

  constructor(client: GatewayClient) {
    const req = SubscribeRequest.encode({
      overlay: "",
      types: [BLOB_TYPE],
      start: 0,
      includeJson: false,
      maxBatchDigests: 0,
      keepaliveIntervalMs: 0,
    }).finish();
    this.call = client.makeServerStreamRequest<Buffer, Buffer>(
      GatewayService.subscribe.path,
      identity,
      identity,
      Buffer.from(req),
    );
    this.call.on("data", (b: Buffer) => {
      const cb = this.onStamp;
      const now = performance.now();
      const w = walkResponse(b, cb === null ? undefined : (s) => cb(s, now));
      if (w.kind === "started") this.started = true;
      else if (w.kind === "gap") this.gaps++;
      this.digests += w.digests;
    });
    this.call.on("error", (e: Error) => (this.ended = e.message));
    this.call.on("end", () => (this.ended ??= "ended"));
  }

  cancel(): void {
    this.call.cancel();
  }
}

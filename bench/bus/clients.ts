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
 * `PublishStreamResponse.accepted` (field 1, a varint) without decoding the
 * result listed per digest: the bench process only counts, and decoding
 * 32,768 results per call was most of its garbage.
 */
function acceptedOf(b: Buffer): number {
  if (b[0] !== 0x08) return PublishStreamResponse.decode(b).results.length;
  let v = 0;
  for (let at = 1, shift = 0; at < b.length; at++, shift += 7) {
    const byte = b[at] as number;
    v += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return v;
  }
  return 0;
}

/**
 * Publishes pre-encoded PublishStreamRequest batches on PublishStream calls,
 * honouring backpressure (write() false -> wait for "drain"). A call is ended
 * and a new one opened every `batchesPerCall` batches, because the gateway
 * answers a call with one result per digest it accepted.
 */
export class Publisher {
  accepted = 0;
  errors: string[] = [];
  /** Backpressure waits that ran out their 1 s bound (a stuck stream, or a bench bug). */
  stalls = 0;
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
    const ending = ++this.inCall >= this.batchesPerCall;
    if (ending) this.endCall();
    if (!more) {
      // An ended Writable never emits "drain" (Node skips it once ending): wait for "finish" instead,
      // else every call whose last write filled the buffer stalled for the whole timeout.
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.stalls++;
          resolve();
        }, 1_000); // bounded: a stuck stream is noticed by the caller's clock
        call.once(ending ? "finish" : "drain", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Ends the open call and waits (bounded) for every call's answer. */
  async finish(timeoutMs: number): Promise<void> {
    this.endCall();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.pending),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private open(): void {
    this.inCall = 0;
    let done: () => void = () => {};
    const p = new Promise<void>((resolve) => (done = resolve));
    this.pending.add(p);
    this.call = this.client.makeClientStreamRequest<Buffer, number>(
      GatewayService.publishStream.path,
      identity,
      acceptedOf,
      (err, res) => {
        if (err) this.errors.push(err.message);
        else if (res !== undefined) this.accepted += res;
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
  private receivedAt = 0;
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
    const stamp = (s: number) => this.onStamp?.(s, this.receivedAt);
    this.call.on("data", (b: Buffer) => {
      this.receivedAt = performance.now();
      const w = walkResponse(b, this.onStamp === null ? undefined : stamp);
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

// Publishers at the near gateway: the TS SDK's batching publisher (PublishStream),
// unary Publish with bounded concurrency, and Thrift publishBatch.
import { connect } from "../../src/sdk/index.js";
import { BLOB_TYPE, blob, blobCodec } from "./blob.js";
import { thriftClient } from "./receivers.js";

export interface Sender {
  readonly name: string;
  /**
   * Publishes `n` digests of `size` bytes; resolves once the gateway accepted them all.
   * `flush` false (the paced run): the batching publisher sends them on its own schedule.
   */
  send(n: number, size: number, flush?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Most digests the PublishStream sender leaves unacknowledged (the publisher allows 65,536). */
const STREAM_WINDOW = 32_768;
/** Unary Publish calls in flight at once. */
const UNARY_CONCURRENCY = 64;
/** Digests per Thrift publishBatch call, and calls in flight on the connection. */
const THRIFT_BATCH = 512;
const THRIFT_IN_FLIGHT = 4;

export function streamSender(address: string): Sender {
  const client = connect({ address });
  const pub = client.publisher({ maxBatch: 1024, lingerMs: 1 });
  return {
    name: "PublishStream (SDK publisher)",
    async send(n, size, flush = true) {
      const inFlight: Array<Promise<unknown>> = [];
      for (let i = 0; i < n; i++) {
        inFlight.push(pub.publish(blobCodec, blob(size)));
        if (inFlight.length >= STREAM_WINDOW) await inFlight.splice(0, 1024)[1023];
      }
      if (flush) await pub.flush();
      else await Promise.all(inFlight);
    },
    async close() {
      await pub.close();
      client.close();
    },
  };
}

export function unarySender(address: string): Sender {
  const client = connect({ address });
  return {
    name: "unary Publish",
    async send(n, size) {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          await client.publish(blobCodec, blob(size));
        }
      };
      await Promise.all(Array.from({ length: Math.min(UNARY_CONCURRENCY, n) }, worker));
    },
    async close() {
      client.close();
    },
  };
}

export function thriftSender(address: string): Sender {
  const { client, close } = thriftClient(address);
  return {
    name: "Thrift publishBatch",
    async send(n, size) {
      const inFlight: Array<Promise<unknown>> = [];
      for (let done = 0; done < n;) {
        const k = Math.min(THRIFT_BATCH, n - done);
        const digests = Array.from({ length: k }, () => ({
          type: BLOB_TYPE,
          body: { payload: Buffer.from(blob(size)) },
          headers: {},
        }));
        // Calls are pipelined on the one connection; the server answers them in order.
        inFlight.push(client.publishBatch!("", "", digests));
        if (inFlight.length >= THRIFT_IN_FLIGHT) await inFlight.shift();
        done += k;
      }
      await Promise.all(inFlight);
    },
    async close() {
      close();
    },
  };
}

// Subscribers at the far gateway: the TS SDK over gRPC, or Thrift subscribe + long-poll.
import { createRequire } from "node:module";
import thrift from "thrift";
import { connect } from "../../src/sdk/index.js";
import { BLOB_TYPE, blobCodec, nowMs, stampOf } from "./blob.js";

export interface Receiver {
  received: number;
  gaps: number;
  /** Publish-to-delivery latencies, ms, while `recording`. */
  latencies: number[];
  recording: boolean;
  started: Promise<void>;
  stop(): Promise<void>;
}

function note(r: Receiver, payload: Uint8Array): void {
  r.received++;
  if (r.recording) r.latencies.push(nowMs() - stampOf(payload));
}

export function grpcReceiver(address: string): Receiver {
  const client = connect({ address });
  const ac = new AbortController();
  const sub = client.subscribe(blobCodec, { signal: ac.signal });
  const r: Receiver = {
    received: 0,
    gaps: 0,
    latencies: [],
    recording: false,
    started: sub.started.then(() => {}),
    stop: async () => {
      ac.abort();
      await loop.catch(() => {});
      client.close();
    },
  };
  const loop = (async () => {
    for await (const d of sub) {
      if (d.kind === "gap") r.gaps++;
      else note(r, d.payload);
    }
  })();
  return r;
}

/** Thrift's generated Node client (CommonJS, emitted by `make gen` into dist/src/gen/thrift). */
export function thriftClient(address: string): {
  client: Record<string, (...args: unknown[]) => Promise<unknown>>;
  close(): void;
} {
  const require = createRequire(import.meta.url);
  const Gateway = require("../../src/gen/thrift/Gateway.js") as object;
  const i = address.lastIndexOf(":");
  const conn = thrift.createConnection(address.slice(0, i), Number(address.slice(i + 1)), {
    transport: thrift.TFramedTransport,
    protocol: thrift.TBinaryProtocol,
    max_attempts: 1,
  });
  conn.on("error", (e: Error) => process.stderr.write(`thrift ${address}: ${e.message}\n`));
  return {
    client: thrift.createClient(Gateway as never, conn) as unknown as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >,
    close: () => conn.end(),
  };
}

interface ThriftItem {
  batch?: Array<{ payload: Buffer }> | null;
  gap?: object | null;
}

export function thriftReceiver(address: string): Receiver {
  const { client, close } = thriftClient(address);
  let running = true;
  let id = "";
  const r: Receiver = {
    received: 0,
    gaps: 0,
    latencies: [],
    recording: false,
    started: Promise.resolve(),
    stop: async () => {
      running = false;
      await loop.catch(() => {});
      if (id) await client.unsubscribe!("", id).catch(() => {});
      close();
    },
  };
  let loop: Promise<void> = Promise.resolve();
  r.started = (async () => {
    id = (await client.subscribe!("", {
      overlay: "",
      types: [BLOB_TYPE],
      start: 0,
      includeJson: false,
    })) as string;
    loop = (async () => {
      while (running) {
        const items = (await client.poll!("", id, 4096, 200)) as ThriftItem[];
        for (const it of items) {
          if (it.gap) r.gaps++;
          for (const d of it.batch ?? []) note(r, d.payload);
        }
      }
    })();
  })();
  return r;
}

// Anchor for the gateway figures: how many messages one grpc-js stream
// carries on this machine. A tiny service with raw-bytes methods (no protobuf
// work) is served and called in this process over loopback: a server stream
// writing as fast as backpressure allows, and a client stream the same way.
import * as grpc from "@grpc/grpc-js";

export interface StreamRate {
  messageBytes: number;
  /** Messages per second. */
  serverStream: number;
  clientStream: number;
}

const identity = (b: Buffer): Buffer => b;
const DOWN = "/bench.Echo/Down";
const UP = "/bench.Echo/Up";

const definition: grpc.ServiceDefinition = {
  Down: {
    path: DOWN,
    requestStream: false,
    responseStream: true,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
  Up: {
    path: UP,
    requestStream: true,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** Writes `msg` until `endMs` (performance.now()), waiting for "drain" whenever write() says so. */
function pumpUntil(
  stream: { write(b: Buffer): boolean; once(e: "drain", f: () => void): unknown },
  msg: Buffer,
  endMs: number,
  done: () => void,
): void {
  const step = (): void => {
    while (performance.now() < endMs) {
      if (!stream.write(msg)) {
        stream.once("drain", step);
        return;
      }
    }
    done();
  };
  step();
}

export async function measureGrpcStreams(sizes: number[], seconds: number): Promise<StreamRate[]> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  });
  server.addService(definition, {
    Down: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      const { size, ms } = JSON.parse(call.request.toString()) as { size: number; ms: number };
      pumpUntil(call, Buffer.alloc(size, 1), performance.now() + ms, () => call.end());
    },
    Up: (call: grpc.ServerReadableStream<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
      let n = 0;
      call.on("data", () => n++);
      call.on("end", () => cb(null, Buffer.from(String(n))));
      call.on("error", () => undefined);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
    "grpc.max_send_message_length": 64 * 1024 * 1024,
  });
  const ms = seconds * 1000;
  const out: StreamRate[] = [];
  try {
    for (const size of sizes) {
      out.push({
        messageBytes: size,
        serverStream: await down(client, size, ms),
        clientStream: await up(client, size, ms),
      });
    }
  } finally {
    client.close();
    server.forceShutdown();
  }
  return out;
}

function down(client: grpc.Client, size: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let n = 0;
    const call = client.makeServerStreamRequest<Buffer, Buffer>(
      DOWN,
      identity,
      identity,
      Buffer.from(JSON.stringify({ size, ms })),
      { deadline: new Date(Date.now() + ms + 30_000) },
    );
    call.on("data", () => n++);
    call.on("end", () => resolve(n / ((performance.now() - t0) / 1000)));
    call.on("error", reject);
  });
}

function up(client: grpc.Client, size: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const call = client.makeClientStreamRequest<Buffer, Buffer>(
      UP,
      identity,
      identity,
      { deadline: new Date(Date.now() + ms + 30_000) },
      (err, res) => {
        if (err || !res) return reject(err ?? new Error("no answer"));
        resolve(Number(res.toString()) / ((performance.now() - t0) / 1000));
      },
    );
    pumpUntil(call, Buffer.alloc(size, 1), t0 + ms, () => call.end());
  });
}

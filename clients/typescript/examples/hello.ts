// TypeScript sample client: asks a gateway who it is over gRPC and over Thrift,
// then registers its own digest type, publishes, subscribes and watches members,
// then prints what the other languages' samples published (others.ts).
// Run: node dist/clients/typescript/examples/hello.js [GRPC_HOST:PORT] [THRIFT_HOST:PORT]
// (or set HEARSAY_GRPC / HEARSAY_THRIFT).
import { createRequire } from "node:module";
import thrift from "thrift";
import { connect, HearsayError } from "../../../src/sdk/index.js";
import { others } from "./others.js";
import { tour } from "./tour.js";

const grpcAddress = process.argv[2] ?? process.env.HEARSAY_GRPC ?? "127.0.0.1:7400";
const thriftAddress = process.argv[3] ?? process.env.HEARSAY_THRIFT;

async function viaGrpc(): Promise<void> {
  const client = connect({ address: grpcAddress, callTimeoutMs: 5_000 });
  try {
    const i = await client.info();
    console.log(
      `typescript sample: asked gateway ${grpcAddress} (gRPC) who it is -> node ${i.nodeName}, ` +
        `hearsay ${i.version}, api v${i.apiVersion}, overlay ${i.overlay}`,
    );
  } finally {
    client.close();
  }
}

async function viaThrift(address: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const Gateway = require("../../../src/gen/thrift/Gateway.js");
  const i = address.lastIndexOf(":");
  const conn = thrift.createConnection(address.slice(0, i), Number(address.slice(i + 1)), {
    transport: thrift.TFramedTransport,
    protocol: thrift.TBinaryProtocol,
    connect_timeout: 5_000,
  });
  const failed = new Promise<never>((_, reject) => conn.on("error", reject));
  try {
    const client = thrift.createClient(Gateway, conn) as {
      info(
        token: string,
        overlay: string,
      ): Promise<{ nodeName: string; version: string; apiVersion: number }>;
    };
    const info = await Promise.race([client.info("", ""), failed]);
    console.log(
      `typescript sample: asked gateway ${address} (Thrift) who it is -> node ${info.nodeName}, ` +
        `hearsay ${info.version}, api v${info.apiVersion}`,
    );
  } finally {
    conn.end();
  }
}

try {
  await viaGrpc();
  if (thriftAddress) await viaThrift(thriftAddress);
  await tour(grpcAddress);
  await others(grpcAddress);
} catch (err) {
  const e = err as HearsayError;
  console.error(`typescript sample: failed: ${e.codeName ?? ""} ${e.message}`);
  process.exit(1);
}

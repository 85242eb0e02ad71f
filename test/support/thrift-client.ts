import { createRequire } from "node:module";
import thrift from "thrift";

const require = createRequire(import.meta.url);
export const ThriftGateway = require("../../src/gen/thrift/Gateway.js") as {
  Client: new (...a: never[]) => unknown;
};
export const thriftTypes = require("../../src/gen/thrift/hearsay_types.js") as Record<
  string,
  new (a?: object) => object
>;

/** A generated Thrift client over framed transport + binary protocol. */
export function thriftClient(address: string): {
  client: Record<string, (...args: unknown[]) => Promise<unknown>>;
  close(): void;
} {
  const i = address.lastIndexOf(":");
  const conn = thrift.createConnection(address.slice(0, i), Number(address.slice(i + 1)), {
    transport: thrift.TFramedTransport,
    protocol: thrift.TBinaryProtocol,
  });
  conn.on("error", () => {});
  const client = thrift.createClient(ThriftGateway as never, conn) as unknown as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  return { client, close: () => conn.end() };
}

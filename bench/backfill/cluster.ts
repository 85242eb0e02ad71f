// N gateways on loopback (g1 = the origin A, g2 = B where the late subscriber
// comes, g3.. bystanders), bench.Blob registered at A and known everywhere,
// and a bounded bulk publisher at A.
import type { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { encodeBatch } from "../bus/blob.js";
import { connectGateway, Publisher, registerBlob } from "../bus/clients.js";
import { waitAlive } from "../bus/loopback-cluster.js";
import { BenchGateway, type Counters } from "./gateway.js";

const READY_TIMEOUT_MS = 30_000;
/** Digests per PublishStreamRequest (the gateway's maxBatchDigests is 1,024). */
const PUBLISH_BATCH = 512;

export interface Cluster {
  readonly gateways: BenchGateway[];
  readonly origin: BenchGateway;
  readonly late: BenchGateway;
  /** gRPC addresses of A and B. */
  readonly originGrpc: string;
  readonly lateGrpc: string;
  readonly originClient: GatewayClient;
  close(): Promise<void>;
}

export async function startCluster(
  root: string,
  count: number,
  cliAgent: boolean,
  log: (m: string) => void,
): Promise<Cluster> {
  const gateways: BenchGateway[] = [];
  const clients: GatewayClient[] = [];
  const close = async (): Promise<void> => {
    for (const c of clients) c.close();
    await Promise.all(gateways.map((g) => g.child.stop("SIGTERM")));
  };
  try {
    const a = new BenchGateway("g1", root, null, READY_TIMEOUT_MS, cliAgent);
    gateways.push(a);
    const ra = await a.ready;
    for (let i = 2; i <= count; i++)
      gateways.push(new BenchGateway(`g${i}`, root, ra.gossip, READY_TIMEOUT_MS, cliAgent));
    const ready = await Promise.all(gateways.map((g) => g.ready));
    const lateGrpc = (ready[1] as { grpc: string }).grpc;
    const ca = connectGateway(ra.grpc);
    const cb = connectGateway(lateGrpc);
    clients.push(ca, cb);
    await waitAlive(ca, count, 20_000);
    await waitAlive(cb, count, 20_000);
    await registerBlob(ca, [cb], 20_000);
    log(`cluster: ${count} gateways up (pids ${gateways.map((g) => g.pid).join(", ")})`);
    return {
      gateways,
      origin: a,
      late: gateways[1] as BenchGateway,
      originGrpc: ra.grpc,
      lateGrpc,
      originClient: ca,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface Published {
  accepted: number;
  seconds: number;
  errors: string[];
}

/** Publishes `total` Blob digests of `payloadBytes` at `client` (PublishStream, pre-encoded batches). */
export async function publishBulk(
  client: GatewayClient,
  total: number,
  payloadBytes: number,
  timeoutMs: number,
): Promise<Published> {
  const t0 = performance.now();
  const pub = new Publisher(client, 64);
  for (let sent = 0; sent < total && performance.now() - t0 < timeoutMs;) {
    const n = Math.min(PUBLISH_BATCH, total - sent);
    await pub.write(encodeBatch(n, payloadBytes, performance.now()));
    sent += n;
  }
  await pub.finish(Math.max(1_000, timeoutMs - (performance.now() - t0)));
  return { accepted: pub.accepted, seconds: (performance.now() - t0) / 1000, errors: pub.errors };
}

/** Counter increments from `before` to `after` (bus_* only, zero ones left out). */
export function counterDelta(before: Counters | null, after: Counters | null): Counters | null {
  if (after === null) return null;
  const out: Counters = {};
  for (const [k, v] of Object.entries(after)) {
    if (!k.startsWith("bus_")) continue;
    const d = v - (before?.[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

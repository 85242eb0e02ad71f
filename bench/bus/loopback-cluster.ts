// Three gateways on loopback (g1 seed, g2 and g3 joining it), bench.Blob
// registered, one subscriber at g2 and a publisher at g1, ready to measure.
import * as grpc from "@grpc/grpc-js";
import type { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { MemberStatus } from "../../src/gen/proto/hearsay/v1/types.js";
import { encodeBatch } from "./blob.js";
import { connectGateway, Publisher, registerBlob, Subscriber } from "./clients.js";
import { Gateway } from "./gateways.js";
import { retry, sleep, waitFor } from "./wait.js";

const READY_TIMEOUT_MS = 30_000;

export interface LoopbackCluster {
  gateways: Gateway[];
  /** Gossip ports of g1 and g2. */
  gossipPorts: [number, number];
  pubClient: GatewayClient;
  subClient: GatewayClient;
  subscriber: Subscriber;
  close(): Promise<void>;
}

export async function startLoopbackCluster(
  root: string,
  payloadBytes: number,
  nodeFlags: readonly string[],
  log: (m: string) => void,
): Promise<LoopbackCluster> {
  const gateways: Gateway[] = [];
  const clients: GatewayClient[] = [];
  let subscriber: Subscriber | null = null;
  const close = async (): Promise<void> => {
    subscriber?.cancel();
    for (const c of clients) c.close();
    // SIGTERM: a graceful exit also writes --cpu-prof profiles.
    await Promise.all(gateways.map((g) => g.child.stop("SIGTERM")));
  };
  try {
    const g1 = new Gateway("g1", root, null, READY_TIMEOUT_MS, nodeFlags);
    gateways.push(g1);
    const r1 = await g1.ready;
    for (const n of ["g2", "g3"]) gateways.push(new Gateway(n, root, r1.gossip, READY_TIMEOUT_MS, nodeFlags));
    const [, r2] = await Promise.all(gateways.map((g) => g.ready));
    const c1 = connectGateway(r1.grpc);
    const c2 = connectGateway((r2 as { grpc: string }).grpc);
    clients.push(c1, c2);
    await waitAlive(c1, 3, 20_000);
    await waitAlive(c2, 3, 20_000);
    await registerBlob(c1, [c2], 20_000);
    subscriber = new Subscriber(c2);
    if (!(await waitFor(() => subscriber?.started === true, 10_000)))
      throw new Error(`subscribe at g2: not started (${subscriber.ended ?? "no answer"})`);
    await warmUp(c1, subscriber, payloadBytes);
    log(`loopback: 3 gateways up (pids ${gateways.map((g) => g.pid).join(", ")}), path g1 -> g2 warm`);
    const port = (a: string) => Number(a.slice(a.lastIndexOf(":") + 1));
    return {
      gateways,
      gossipPorts: [port(r1.gossip), port((r2 as { gossip: string }).gossip)],
      pubClient: c1,
      subClient: c2,
      subscriber,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Waits until the gateway lists `n` members alive. */
export async function waitAlive(c: GatewayClient, n: number, timeoutMs: number): Promise<void> {
  await retry(
    `${n} members alive`,
    () =>
      new Promise<void>((resolve, reject) =>
        c.listMembers(
          { overlay: "", statuses: [MemberStatus.MEMBER_STATUS_ALIVE], tags: {} },
          new grpc.Metadata(),
          { deadline: new Date(Date.now() + 1_000) },
          (err, res) =>
            err
              ? reject(err)
              : res.members.length >= n
                ? resolve()
                : reject(new Error(`${res.members.length}`)),
        ),
      ),
    timeoutMs,
    200,
  );
}

/** Publishes until a batch arrives at the subscriber: g2's interest has reached g1. */
async function warmUp(c1: GatewayClient, sub: Subscriber, payloadBytes: number): Promise<void> {
  const pub = new Publisher(c1, 1);
  const end = performance.now() + 20_000;
  while (performance.now() < end) {
    const before = sub.digests;
    await pub.write(encodeBatch(64, payloadBytes, performance.now()));
    if (await waitFor(() => sub.digests >= before + 64, 1_000)) {
      await pub.finish(5_000);
      await sleep(500);
      return;
    }
  }
  await pub.finish(1_000);
  throw new Error(
    `warm-up: nothing published at g1 reached the subscriber at g2 in 20 s (${pub.errors.join("; ")})`,
  );
}

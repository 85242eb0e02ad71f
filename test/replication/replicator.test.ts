import { describe, expect, it } from "vitest";
import { MemoryMetrics, nullLogger, type Logger } from "../../src/observe/index.js";
import { encodeMessage, Replicator, type ReplicationLink } from "../../src/replication/index.js";
import { SeededRng, SimNetwork, type Clock, type SimHost } from "../../src/transport/index.js";
import { KvReplica } from "./kv-replica.js";

const quiet = nullLogger;

/** A replica on a simulator host, linked to the others through the host's transport. */
function node(host: SimHost, peers: () => string[], metrics = new MemoryMetrics()) {
  const replica = new KvReplica();
  const link: ReplicationLink = {
    peers,
    request: (to, bytes, ms, done) =>
      host.transport.request(to, bytes, ms, (r) => done(r.ok ? r.data : null)),
    onRequest: (fn) => host.transport.onStream(fn),
  };
  const engine = new Replicator("kv", replica, {
    link,
    clock: host.clock,
    rng: host.rng,
    log: quiet,
    metrics,
  });
  return { replica, engine, metrics };
}

/** A link whose requests wait in `pending` until the test answers them. */
function heldLink(peers: string[]) {
  const pending: Array<{ to: string; done: (reply: Uint8Array | null) => void }> = [];
  let handler: Parameters<ReplicationLink["onRequest"]>[0] = () => {};
  const link: ReplicationLink = {
    peers: () => peers,
    request: (to, _bytes, _ms, done) => void pending.push({ to, done }),
    onRequest: (fn) => void (handler = fn),
  };
  return {
    link,
    pending,
    serve: (bytes: Uint8Array) => new Promise<Uint8Array>((r) => handler("x", bytes, r)),
  };
}

const noTimers: Clock = {
  nowMs: () => 0,
  setTimer: () => ({ id: 0 }),
  clearTimer: () => {},
};

describe("Replicator", () => {
  it("anti-entropy alone converges two nodes both ways, through loss", () => {
    const sim = new SimNetwork({ seed: 5, latencyMs: 2, loss: 0.2 });
    const [ha, hb] = [sim.addHost("a"), sim.addHost("b")];
    const a = node(ha, () => [hb.address]);
    const b = node(hb, () => [ha.address]);
    a.replica.set("only-a", 1, "A");
    a.replica.set("both", 2, "newer on a");
    b.replica.set("both", 1, "older on b");
    b.replica.set("only-b", 3, "B");
    a.engine.start();
    b.engine.start();
    expect(
      sim.runUntil(() => a.replica.view() === b.replica.view() && a.replica.held.size === 3, "30s"),
      `seed ${sim.seed}`,
    ).toBe(true);
    expect(b.replica.held.get("both")).toEqual({ version: 2, value: "newer on a" });
    expect(a.replica.held.get("only-b")).toEqual({ version: 3, value: "B" });
  });

  it("runs its first round within the first interval, then one per interval, until stopped", () => {
    const sim = new SimNetwork({ seed: 9, latencyMs: 1 });
    const [ha, hb] = [sim.addHost("a"), sim.addHost("b")];
    const a = node(ha, () => [hb.address]);
    let summaries = 0;
    hb.transport.onStream((_from, _bytes, reply) => {
      summaries++;
      reply(encodeMessage(a.replica.codec, { t: "answer", items: [], want: [] }));
    });
    a.engine.start();
    a.engine.start(); // a second start changes nothing
    sim.runFor("999ms");
    expect(summaries).toBe(1);
    sim.runFor("10s");
    expect(summaries).toBe(11);
    a.engine.stop();
    expect(a.engine.running).toBe(false);
    sim.runFor("10s");
    expect(summaries).toBe(11);
  });

  it("keeps at most maxConcurrentPushes in flight and counts failed pushes", () => {
    const peers = Array.from({ length: 40 }, (_, i) => `p${i}:1`);
    const { link, pending } = heldLink(peers);
    const metrics = new MemoryMetrics();
    const replica = new KvReplica();
    const engine = new Replicator(
      "kv",
      replica,
      { link, clock: noTimers, rng: new SeededRng(1), log: quiet, metrics },
      { intervalMs: 1000, timeoutMs: 100, maxConcurrentPushes: 4 },
    );
    engine.push([replica.set("k", 1, "v")]);
    expect(pending.map((p) => p.to)).toEqual(["p0:1", "p1:1", "p2:1", "p3:1"]);
    pending[0]!.done(null);
    pending[1]!.done(new Uint8Array([0x91, 4]));
    expect(pending).toHaveLength(6);
    for (let i = 2; i < pending.length; i++) pending[i]!.done(null);
    expect(pending).toHaveLength(40);
    expect(metrics.get("kv_push_failures_total")).toBe(39);
    engine.push([], ["only:1"]);
    expect(pending.at(-1)!.to).toBe("only:1");
  });

  it("answers a garbage request with an ack, counting and logging the drop", async () => {
    const { link, serve } = heldLink([]);
    const metrics = new MemoryMetrics();
    const logged: string[] = [];
    const log: Logger = { ...quiet, debug: (msg, f) => void logged.push(`${msg} ${JSON.stringify(f)}`) };
    const replica = new KvReplica();
    new Replicator("kv", replica, { link, clock: noTimers, rng: new SeededRng(1), log, metrics });
    const reply = await serve(new Uint8Array([0x92, 1]));
    expect([...reply]).toEqual([0x91, 4]); // [4]: ack
    expect(metrics.get("kv_dropped_messages_total")).toBe(1);
    expect(logged).toEqual(['kv: dropped a sync message {"from":"x","why":"not msgpack"}']);
  });
});

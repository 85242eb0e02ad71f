// Anchor: Serf user events on loopback. K real `serf agent` processes (LAN
// profile), all joined to the first; user events fired through agent 1's RPC
// with Coalesce=false; each agent's RPC `stream` of user events observed from
// this process. Latency per (event, agent) pair = arrival of the event on that
// agent's stream - the moment the `event` command was sent.
import { Child } from "./processes.js";
import { SerfRpc } from "./serf-rpc.js";
import { cdfOf, summarize, type Cdf, type Summary } from "./stats.js";
import { freePort, retry, sleep, waitFor } from "./wait.js";

export interface SerfEventsOptions {
  serfBin: string;
  agents: number;
  events: number;
  /** Gap between events, so each crosses an idle cluster. */
  spacingMs: number;
  payloadBytes: number;
  log: (msg: string) => void;
}

export interface SerfEventsResult {
  agents: number;
  events: number;
  expected: number;
  delivered: number;
  /** Over all (event, agent) pairs, the firing agent excluded. */
  latencyMs: Summary;
  /** The latency distribution, 202 percentiles (docs/plots). */
  latencyCdfMs: Cdf;
  /** Per event, the last agent to see it. */
  lastAgentMs: Summary;
}

const HOST = "127.0.0.1";
const JOIN_LINE = /serf: EventMemberJoin: (\S+)/;

export async function runSerfEvents(o: SerfEventsOptions): Promise<SerfEventsResult> {
  const children: Child[] = [];
  const rpcs: SerfRpc[] = [];
  const seen = new Map<string, Map<number, number>>(); // event name -> agent index -> atMs
  const joins = Array.from({ length: o.agents }, () => new Set<string>());
  try {
    let seedBind = "";
    for (let i = 0; i < o.agents; i++) {
      const bind = `${HOST}:${await freePort()}`;
      const rpcPort = await freePort();
      if (i === 0) seedBind = bind;
      const args = [
        "agent",
        `-node=serf${i + 1}`,
        `-bind=${bind}`,
        `-rpc-addr=${HOST}:${rpcPort}`,
        "-profile=lan",
        "-log-level=info",
      ];
      if (i > 0) args.push(`-join=${seedBind}`);
      const child = new Child({
        name: `serf${i + 1}`,
        command: o.serfBin,
        args,
        onLine: (line) => {
          const m = JOIN_LINE.exec(line);
          if (m?.[1] !== undefined) joins[i]?.add(m[1]);
        },
      });
      children.push(child);
      const rpc = await retry(
        `serf${i + 1} rpc`,
        () =>
          SerfRpc.open(
            HOST,
            rpcPort,
            (e) => {
              let m = seen.get(e.name);
              if (m === undefined) seen.set(e.name, (m = new Map()));
              if (!m.has(i)) m.set(i, e.atMs);
            },
            2_000,
          ),
        20_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${child.lastOutput()}`);
      });
      rpcs.push(rpc);
    }
    const converged = await waitFor(() => joins.every((j) => j.size >= o.agents), 30_000, 50);
    if (!converged) throw new Error(`serf: cluster of ${o.agents} did not converge in 30 s`);
    o.log(`serf: ${o.agents} agents converged`);
    await sleep(1_000);
    const fired = new Map<string, number>();
    const payload = new Uint8Array(o.payloadBytes).fill(0x61);
    const first = rpcs[0] as SerfRpc;
    for (let e = 0; e < o.events; e++) {
      const name = `bench-${e}`;
      fired.set(name, performance.now());
      await first.event(name, payload, 5_000);
      await waitFor(() => (seen.get(name)?.size ?? 0) >= o.agents, 5_000, 5);
      await sleep(o.spacingMs);
    }
    await waitFor(() => [...fired.keys()].every((n) => (seen.get(n)?.size ?? 0) >= o.agents), 5_000);
    const pairs: number[] = [];
    const lasts: number[] = [];
    for (const [name, t0] of fired) {
      const got = seen.get(name) ?? new Map<number, number>();
      let last = NaN;
      for (const [agent, at] of got) {
        if (agent === 0) continue;
        pairs.push(at - t0);
        last = Number.isNaN(last) ? at - t0 : Math.max(last, at - t0);
      }
      if (got.size >= o.agents) lasts.push(last);
    }
    return {
      agents: o.agents,
      events: o.events,
      expected: o.events * (o.agents - 1),
      delivered: pairs.length,
      latencyMs: summarize(pairs),
      latencyCdfMs: cdfOf(pairs),
      lastAgentMs: summarize(lasts),
    };
  } finally {
    for (const r of rpcs) r.close();
    await Promise.all(children.map((c) => c.stop("SIGKILL")));
  }
}

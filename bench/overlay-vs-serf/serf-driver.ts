// Serf (Debian package `serf`, /usr/bin/serf) as the anchor. Each agent is
// observed two ways:
//  - "log": the agent's `serf: EventMember{Join,Leave,Failed}` log lines,
//    written the moment Serf's state machine changes, before the agent's
//    event coalescer (the reference, comparable to Hearsay's uncoalesced
//    WatchMembers stream);
//  - "rpc": the msgpack RPC `stream` command, the client-visible API, which
//    the serf agent coalesces (1 s quiescence, 3 s at most) — for information.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AgentProcess } from "./agents.js";
import { START_BATCH, type ClusterDriver, type DriverFactory, type PortPlan } from "./driver.js";
import { Observations, type EventKind } from "./observations.js";
import { SerfRpcClient, type SerfMemberEvent } from "./serf-rpc.js";
import { inBatches, retry } from "./wait.js";

const SERF = process.env.SERF_BIN ?? "serf";
const HOST = "127.0.0.1";
/** Time for one agent to open its RPC port. */
const START_TIMEOUT_MS = 30_000;

const LOG_EVENT = /\bserf: EventMember(Join|Leave|Failed): (\S+)/;
const LOG_KINDS: Record<string, EventKind> = { Join: "join", Leave: "leave", Failed: "fail" };
const RPC_KINDS: Record<string, EventKind> = {
  "member-join": "join",
  "member-leave": "leave",
  "member-failed": "fail",
};

interface SerfAgent {
  readonly proc: AgentProcess;
  rpc: SerfRpcClient | null;
}

class SerfDriver implements ClusterDriver {
  readonly system = "serf";
  readonly channels = ["log", "rpc"] as const;
  readonly events = new Observations();
  private readonly agents = new Map<string, SerfAgent>();
  private nextIndex = 0;

  constructor(private readonly ports: PortPlan) {}

  async start(names: readonly string[]): Promise<void> {
    const [seed, ...rest] = names;
    if (seed === undefined) throw new Error("serf: no agents");
    await this.spawn(seed, false);
    await inBatches(rest, START_BATCH, (n) => this.spawn(n, true));
  }

  add(name: string): Promise<void> {
    return this.spawn(name, true);
  }

  crash(name: string): void {
    this.agents.get(name)?.proc.signal("SIGKILL");
  }

  leave(name: string): void {
    // SIGINT = graceful leave (skip_leave_on_interrupt defaults to false); SIGTERM would not leave.
    this.agents.get(name)?.proc.signal("SIGINT");
  }

  running(): string[] {
    return [...this.agents].filter(([, a]) => a.proc.running).map(([n]) => n);
  }

  async stop(): Promise<void> {
    for (const a of this.agents.values()) a.rpc?.close();
    await Promise.all([...this.agents.values()].map((a) => a.proc.stop("SIGKILL")));
  }

  private async spawn(name: string, join: boolean): Promise<void> {
    const i = this.nextIndex++;
    const rpcPort = this.ports.apiBase + i;
    const args = [
      "agent",
      `-node=${name}`,
      `-bind=${HOST}:${this.ports.gossipBase + i}`,
      `-rpc-addr=${HOST}:${rpcPort}`,
      "-profile=lan",
      "-log-level=info",
    ];
    if (join) args.push(`-join=${HOST}:${this.ports.gossipBase}`);
    const proc = new AgentProcess({
      name,
      command: SERF,
      args,
      onLine: (line, atMs) => this.onLog(name, line, atMs),
    });
    const agent: SerfAgent = { proc, rpc: null };
    this.agents.set(name, agent);
    agent.rpc = await retry(
      `serf ${name}: rpc ${HOST}:${rpcPort}`,
      () => SerfRpcClient.open(HOST, rpcPort, (e) => this.onRpc(name, e), 2_000),
      {
        timeoutMs: START_TIMEOUT_MS,
        giveUp: () => (proc.running ? null : `agent exited:\n${proc.lastOutput()}`),
      },
    );
  }

  private onLog(observer: string, line: string, atMs: number): void {
    const m = LOG_EVENT.exec(line);
    const kind = m ? LOG_KINDS[m[1]!] : undefined;
    if (!m || !kind) return;
    this.events.record({ channel: "log", observer, member: m[2]!, kind, atMs });
  }

  private onRpc(observer: string, e: SerfMemberEvent): void {
    const kind = RPC_KINDS[e.event];
    if (!kind) return;
    for (const member of e.members)
      this.events.record({ channel: "rpc", observer, member, kind, atMs: e.atMs });
  }
}

export const serfFactory: DriverFactory = {
  system: "serf",
  parameters:
    "serf agent -profile=lan (memberlist DefaultLANConfig): probe interval 1 s, probe timeout 500 ms, " +
    "3 indirect probes, gossip every 200 ms to 3 nodes, suspicion mult 4 (max 6x), retransmit mult 4, " +
    "push-pull 30 s; serf: leave propagate delay 1 s, agent event coalescing 1 s quiet / 3 s max (RPC stream only)",
  create: (ports) => new SerfDriver(ports),
  async version() {
    const { stdout } = await promisify(execFile)(SERF, ["version"], { timeout: 5_000 });
    return `serf ${stdout.trim().split("\n").join(", ")}`;
  },
};

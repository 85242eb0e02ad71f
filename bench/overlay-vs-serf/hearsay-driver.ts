// Hearsay agents (`node bin/hearsay.js agent`), each observed through its
// gRPC WatchMembers stream ("grpc"), which forwards overlay member events
// as they happen (no coalescing).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { credentials, type ClientReadableStream } from "@grpc/grpc-js";
import { GatewayClient } from "../../src/gen/proto/hearsay/v1/gateway.js";
import { MemberEventKind, MemberStatus, type MemberEvent } from "../../src/gen/proto/hearsay/v1/types.js";
import { lanConfig } from "../../src/overlay/index.js";
import { AgentProcess } from "./agents.js";
import { START_BATCH, type ClusterDriver, type DriverFactory, type PortPlan } from "./driver.js";
import { Observations, type EventKind } from "./observations.js";
import { inBatches } from "./wait.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";

const HOST = "127.0.0.1";
/** Time for one agent to print "ready" (Node start-up on a busy 2-core box is slow). */
const START_TIMEOUT_MS = 60_000;

/** The repository root: the nearest ancestor holding bin/hearsay.js. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "bin", "hearsay.js"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("hearsay: bin/hearsay.js not found above the bench");
    dir = up;
  }
  return dir;
}

const KINDS: Partial<Record<MemberEventKind, EventKind>> = {
  [MemberEventKind.MEMBER_EVENT_KIND_JOIN]: "join",
  // A dead member came back: it is a member again.
  [MemberEventKind.MEMBER_EVENT_KIND_ALIVE]: "join",
  [MemberEventKind.MEMBER_EVENT_KIND_FAIL]: "fail",
  [MemberEventKind.MEMBER_EVENT_KIND_LEAVE]: "leave",
};

/** CURRENT events (start of a watch) carry the member's state. */
const CURRENT_KINDS: Partial<Record<MemberStatus, EventKind>> = {
  [MemberStatus.MEMBER_STATUS_ALIVE]: "join",
  [MemberStatus.MEMBER_STATUS_SUSPECT]: "join",
  [MemberStatus.MEMBER_STATUS_DEAD]: "fail",
  [MemberStatus.MEMBER_STATUS_LEFT]: "leave",
};

interface HearsayAgent {
  readonly proc: AgentProcess;
  client: GatewayClient | null;
  watch: ClientReadableStream<MemberEvent> | null;
}

class HearsayDriver implements ClusterDriver {
  readonly system = "hearsay";
  readonly channels = ["grpc"] as const;
  readonly events = new Observations();
  private readonly agents = new Map<string, HearsayAgent>();
  private readonly root = repoRoot();
  private nextIndex = 0;
  private stopping = false;
  /** Agents told to crash or leave: their streams end, as expected. */
  private readonly gone = new Set<string>();

  constructor(private readonly ports: PortPlan) {}

  async start(names: readonly string[]): Promise<void> {
    const [seed, ...rest] = names;
    if (seed === undefined) throw new Error("hearsay: no agents");
    await this.spawn(seed, false);
    await inBatches(rest, START_BATCH, (n) => this.spawn(n, true));
  }

  add(name: string): Promise<void> {
    return this.spawn(name, true);
  }

  crash(name: string): void {
    this.gone.add(name);
    this.agents.get(name)?.proc.signal("SIGKILL");
  }

  leave(name: string): void {
    this.gone.add(name);
    // SIGTERM (or SIGINT) = leave gracefully, then exit.
    this.agents.get(name)?.proc.signal("SIGTERM");
  }

  running(): string[] {
    return [...this.agents].filter(([, a]) => a.proc.running).map(([n]) => n);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const a of this.agents.values()) {
      a.watch?.cancel();
      a.client?.close();
    }
    await Promise.all([...this.agents.values()].map((a) => a.proc.stop("SIGKILL")));
  }

  private async spawn(name: string, join: boolean): Promise<void> {
    const i = this.nextIndex++;
    const grpcAddr = `${HOST}:${this.ports.apiBase + i}`;
    const args = [
      "bin/hearsay.js",
      "agent",
      "--name",
      name,
      "--bind",
      `${HOST}:${this.ports.gossipBase + i}`,
      "--profile",
      "lan",
      "--grpc",
      grpcAddr,
      "--log-level",
      "info",
    ];
    if (join) args.push("--join", `${HOST}:${this.ports.gossipBase}`);
    let ready: () => void = () => undefined;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const proc = new AgentProcess({
      name,
      command: process.execPath,
      args: [...GATEWAY_NODE_FLAGS, ...args],
      cwd: this.root,
      onLine: (line) => {
        if (line.includes('"ready"') && isReadyLine(line)) ready();
      },
    });
    const agent: HearsayAgent = { proc, client: null, watch: null };
    this.agents.set(name, agent);
    const outcome = await Promise.race([
      isReady.then(() => "ready" as const),
      proc.exited.then(() => "exited" as const),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), START_TIMEOUT_MS).unref()),
    ]);
    if (outcome !== "ready") {
      throw new Error(`hearsay ${name}: ${outcome} before "ready":\n${proc.lastOutput()}`);
    }
    agent.client = new GatewayClient(grpcAddr, credentials.createInsecure());
    agent.watch = this.watch(name, agent.client);
  }

  private watch(observer: string, client: GatewayClient): ClientReadableStream<MemberEvent> {
    const call = client.watchMembers({ overlay: "", includeCurrent: true, tags: {} });
    call.on("data", (ev: MemberEvent) => {
      const atMs = performance.now();
      const member = ev.member?.name;
      const kind =
        ev.kind === MemberEventKind.MEMBER_EVENT_KIND_CURRENT
          ? CURRENT_KINDS[ev.member?.status ?? MemberStatus.MEMBER_STATUS_UNSPECIFIED]
          : KINDS[ev.kind];
      if (member && kind) this.events.record({ channel: "grpc", observer, member, kind, atMs });
    });
    call.on("error", (err) => {
      // A crashed or departed agent ends its stream; anything else is worth a line.
      if (!this.stopping && !this.gone.has(observer))
        console.error(`hearsay ${observer}: WatchMembers: ${err.message}`);
    });
    return call;
  }
}

function isReadyLine(line: string): boolean {
  try {
    return (JSON.parse(line) as { msg?: unknown }).msg === "ready";
  } catch {
    return false;
  }
}

function describeParameters(): string {
  const c = lanConfig("bench");
  return (
    `hearsay agent --profile lan: probe interval ${c.probeIntervalMs} ms, probe timeout ${c.probeTimeoutMs} ms, ` +
    `${c.indirectChecks} indirect probes, gossip every ${c.gossipIntervalMs} ms to ${c.gossipNodes} nodes, ` +
    `suspicion mult ${c.suspicionMult} (max ${c.suspicionMaxTimeoutMult}x), retransmit mult ${c.retransmitMult}, ` +
    `push-pull ${c.pushPullIntervalMs / 1000} s, leave propagate ${c.leavePropagateMs / 1000} s, no event coalescing`
  );
}

export const hearsayFactory: DriverFactory = {
  system: "hearsay",
  parameters: describeParameters(),
  create: (ports) => new HearsayDriver(ports),
  async version() {
    const root = repoRoot();
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ["bin/hearsay.js", "--version"], {
      cwd: root,
      timeout: 10_000,
    });
    const rev = await run("git", ["describe", "--always", "--dirty"], { cwd: root, timeout: 5_000 }).then(
      (r) => ` (git ${r.stdout.trim()})`,
      () => "",
    );
    return `hearsay ${stdout.trim()}${rev}`;
  },
};

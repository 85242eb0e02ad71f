// One real `hearsay agent` per host, inside its namespace, at fixed addresses
// (gossip HOST:7946, gRPC HOST:7400), seeded with every other host, with a
// data dir under the run's temp dir. Restarts keep the node name; a restart
// "without its data dir" gets a fresh empty one.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { connect, MemberStatus } from "../../src/sdk/index.js";
import { GATEWAY_NODE_FLAGS } from "../../src/cli/internal.js";
import type { Host } from "./hosts.js";
import { Proc } from "./proc.js";
import { REPO } from "../support/schema.js";

export const GOSSIP_PORT = 7946;
export const GRPC_PORT = 7400;
/** From spawn to the agent's "ready" line, ms. */
const READY_TIMEOUT_MS = 30_000;
/** Deadline of one ListMembers call from the driver, ms. */
const MEMBERS_CALL_MS = 2_000;

export class HostGateway {
  /** Starts so far (1 = the first run). */
  starts = 0;
  proc: Proc | null = null;
  private dataDirGen = 1;

  constructor(
    readonly host: Host,
    private readonly root: string,
    private readonly peers: readonly Host[],
  ) {}

  get grpc(): string {
    return `${this.host.ip}:${GRPC_PORT}`;
  }

  get dataDir(): string {
    return join(this.root, "data", `${this.host.name}.${this.dataDirGen}`);
  }

  /** Starts the agent (again) and waits for its ready line. `freshDataDir` = an empty data dir. */
  async start(opts: { freshDataDir?: boolean } = {}): Promise<void> {
    if (this.proc?.running) throw new Error(`${this.host.name}: already running`);
    if (opts.freshDataDir) this.dataDirGen++;
    mkdirSync(this.dataDir, { recursive: true });
    this.starts++;
    const seeds = this.peers.filter((p) => p.name !== this.host.name).map((p) => `${p.ip}:${GOSSIP_PORT}`);
    let onReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const proc = new Proc({
      name: `gateway ${this.host.name}#${this.starts}`,
      ns: this.host.ns,
      command: process.execPath,
      args: [
        ...GATEWAY_NODE_FLAGS,
        join(REPO, "bin/hearsay.js"),
        "agent",
        ...["--name", this.host.name],
        ...["--bind", `${this.host.ip}:${GOSSIP_PORT}`],
        ...["--grpc", this.grpc],
        ...["--join", seeds.join(",")],
        ...["--data-dir", this.dataDir],
      ],
      cwd: REPO,
      logFile: join(this.root, "logs", `gateway-${this.host.name}.log`),
      onLine: (line) => {
        if (line.includes('"msg":"ready"')) onReady();
      },
    });
    this.proc = proc;
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ready line in ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      void proc.exited.then((code) => reject(new Error(`exited with ${code} before ready`)));
    });
    try {
      await Promise.race([ready, failed]);
    } catch (err) {
      throw new Error(`${proc.name}: ${(err as Error).message}\n${proc.lastOutput()}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: no leave, no flush. */
  async kill(): Promise<void> {
    await this.proc?.stop("SIGKILL", 2_000);
  }

  /** SIGTERM: the agent leaves the overlay and exits; resolves with its exit code. */
  async terminate(): Promise<number | null> {
    return (await this.proc?.stop("SIGTERM")) ?? null;
  }

  /** Names of the members this gateway lists as alive; throws when it does not answer. */
  async aliveMembers(): Promise<string[]> {
    const c = connect({ address: this.grpc, callTimeoutMs: MEMBERS_CALL_MS });
    try {
      const ms = await c.members({ statuses: [MemberStatus.MEMBER_STATUS_ALIVE] });
      return ms.map((m) => m.name).sort();
    } finally {
      c.close();
    }
  }
}

// The SDK client programs (sdk-client.ts, sdk_client.py) as the driver sees
// them: started inside a host's namespace against that host's gateway,
// steered over stdin (pause / resume / stop) and read from their JSON events.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../support/schema.js";
import type { HostGateway } from "./gateways.js";
import { Proc } from "./proc.js";

export type Sdk = "ts" | "py";
export const TS_CLIENT = join(REPO, "dist/test/netns/sdk-client.js");
const PY = join(REPO, "clients/python/.venv/bin/python");
const PY_CLIENT = join(REPO, "test/netns/sdk_client.py");
const PROTO = join(REPO, "clients/interop/interop.proto");
/** Longest wait for one answer of a client (ready, paused, done), ms. */
const ANSWER_TIMEOUT_MS = 30_000;

/** Why the client programs cannot run (a missing build or venv), or null. */
export function clientsMissing(): string | null {
  const src = join(REPO, "test/netns/sdk-client.ts");
  if (!existsSync(TS_CLIENT) || statSync(TS_CLIENT).mtimeMs < statSync(src).mtimeMs)
    return `${TS_CLIENT} is missing or older than its source: run make build`;
  if (!existsSync(PY)) return `${PY} is missing: run scripts/bootstrap`;
  if (!existsSync(join(REPO, "clients/python/examples/_gen/interop_pb2.py")))
    return "the Python sample classes are missing: run make gen";
  return null;
}

type Event = Record<string, unknown> & { event: string };

export class Client {
  readonly proc: Proc;
  /** Subscriber: deliveries counted so far. Publisher: digests acknowledged (from "paused"/"done"). */
  received = 0;
  published = 0;
  failedPublishes = 0;
  retries = 0;
  resubscribes = 0;
  done = false;
  /** Subscriber: deliveries per publisher so far (duplicates included). */
  byPublisher: Record<string, number> = {};
  private readonly waiters: Array<{ events: string[]; resolve: (e: Event) => void }> = [];

  constructor(
    readonly name: string,
    readonly sdk: Sdk,
    readonly role: "publish" | "subscribe",
    readonly gateway: HostGateway,
    root: string,
    args: readonly string[],
  ) {
    const common = ["--agent", gateway.grpc, ...args];
    this.proc = new Proc({
      name,
      ns: gateway.host.ns,
      command: sdk === "ts" ? process.execPath : PY,
      args: sdk === "ts" ? [TS_CLIENT, role, "--proto", PROTO, ...common] : [PY_CLIENT, role, ...common],
      cwd: REPO,
      logFile: join(root, "logs", `client-${name}.log`),
      onLine: (line) => this.onLine(line),
    });
  }

  private onLine(line: string): void {
    let e: Event;
    try {
      e = JSON.parse(line) as Event;
    } catch {
      return; // a library's notice on stderr
    }
    if (e.event === "progress" && this.role === "subscribe") {
      this.received = Number(e.received);
      this.byPublisher = (e.by ?? {}) as Record<string, number>;
    }
    if (e.event === "progress" && this.role === "publish") this.published = Number(e.published);
    if (e.event === "retry") this.retries++;
    if (e.event === "resubscribed") this.resubscribes++;
    if (e.event === "paused") this.published = Number(e.published);
    if (e.event === "done") {
      this.done = true;
      if (this.role === "publish") {
        this.published = Number(e.published);
        this.failedPublishes = Number(e.failed_publishes);
      } else this.received = Number(e.received);
    }
    for (const w of this.waiters.filter((x) => x.events.includes(e.event))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(e);
    }
  }

  /** Waits for the next `event` line (bounded); throws with the client's last output otherwise. */
  async next(event: string | string[], timeoutMs = ANSWER_TIMEOUT_MS): Promise<Event> {
    const events = typeof event === "string" ? [event] : event;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        new Promise<Event>((resolve) => this.waiters.push({ events, resolve })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no "${event}" in ${timeoutMs} ms`)), timeoutMs);
          void this.proc.exited.then((c) => reject(new Error(`exited with ${c} before "${event}"`)));
        }),
      ]);
    } catch (err) {
      throw new Error(`${this.name}: ${(err as Error).message}\n${this.proc.lastOutput()}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Publisher: stops publishing once the publish in flight is acknowledged; resolves with the count so far. */
  async pause(): Promise<number> {
    if (this.done) return this.published;
    const paused = this.next(["paused", "done"]);
    this.proc.send("pause");
    return Number((await paused).published);
  }

  async resume(): Promise<void> {
    if (this.done) return;
    const resumed = this.next("resumed");
    this.proc.send("resume");
    await resumed;
  }

  /** Ends the client (a subscriber flushes its record file) and waits for its "done". */
  async stop(): Promise<void> {
    if (this.done || !this.proc.running) return;
    const done = this.next("done");
    this.proc.send("stop");
    await done;
    await this.proc.stop("SIGTERM", 5_000);
  }
}

export function publisher(
  name: string,
  sdk: Sdk,
  gw: HostGateway,
  root: string,
  run: string,
  count: number,
  ratePerS: number,
): Client {
  const args = ["--run", run, "--name", name, "--count", String(count), "--rate", String(ratePerS)];
  return new Client(name, sdk, "publish", gw, root, args);
}

export function subscriber(name: string, sdk: Sdk, gw: HostGateway, root: string, run: string): Client {
  return new Client(name, sdk, "subscribe", gw, root, ["--run", run, "--out", recordFile(root, name)]);
}

export function recordFile(root: string, name: string): string {
  return join(root, `records-${name}.txt`);
}

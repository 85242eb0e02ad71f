// The test's world: N hosts, one gateway each, two publishers (TypeScript at
// h1, Python at h2) and a TypeScript and a Python subscriber at every host,
// plus the bounded waits the steps are made of.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Client, publisher, subscriber } from "./clients.js";
import { HostGateway } from "./gateways.js";
import { createHosts, type Host, hostsOf } from "./hosts.js";

const POLL_MS = 500;

export interface ClusterOptions {
  readonly root: string;
  readonly hostCount: number;
  readonly run: string;
  readonly ratePerS: number;
  readonly countPerPublisher: number;
  readonly log: (msg: string) => void;
}

export class Cluster {
  readonly hosts: Host[];
  readonly gateways: HostGateway[];
  readonly publishers: Client[] = [];
  readonly subscribers: Client[] = [];
  /** Hosts cut off right now: the driver cannot ask their gateways anything. */
  readonly unreachable = new Set<string>();
  readonly startedAtMs = performance.now();

  constructor(private readonly o: ClusterOptions) {
    this.hosts = hostsOf(o.hostCount);
    this.gateways = this.hosts.map((h) => new HostGateway(h, o.root, this.hosts));
    mkdirSync(join(o.root, "logs"), { recursive: true });
  }

  log(msg: string): void {
    const s = ((performance.now() - this.startedAtMs) / 1000).toFixed(1).padStart(6);
    this.o.log(`[netns ${s} s] ${msg}`);
  }

  gw(name: string): HostGateway {
    return this.gateways.find((g) => g.host.name === name)!;
  }

  /** Namespaces, gateways (all at once, seeded with each other), every node alive everywhere. */
  async up(): Promise<void> {
    createHosts(this.hosts);
    await Promise.all(this.gateways.map((g) => g.start()));
    await this.waitConverged("start", 60_000);
  }

  /** Subscribers everywhere (started = the gateway confirmed), then the publishers. */
  async startClients(): Promise<void> {
    for (const g of this.gateways) {
      for (const sdk of ["ts", "py"] as const)
        this.subscribers.push(subscriber(`s-${g.host.name}-${sdk}`, sdk, g, this.o.root, this.o.run));
    }
    await Promise.all(this.subscribers.map((s) => s.next("ready")));
    this.publishers.push(
      publisher(
        "p1",
        "ts",
        this.gw("h1"),
        this.o.root,
        this.o.run,
        this.o.countPerPublisher,
        this.o.ratePerS,
      ),
      publisher(
        "p2",
        "py",
        this.gw("h2"),
        this.o.root,
        this.o.run,
        this.o.countPerPublisher,
        this.o.ratePerS,
      ),
    );
    await Promise.all(this.publishers.map((p) => p.next("ready")));
  }

  publisherAt(host: string): Client | undefined {
    return this.publishers.find((p) => p.gateway.host.name === host);
  }

  /** Every reachable gateway lists `names` (default: every host) alive. Returns the ms it took. */
  async waitConverged(
    what: string,
    timeoutMs: number,
    names = this.hosts.map((h) => h.name),
  ): Promise<number> {
    const t0 = performance.now();
    let last = "";
    while (performance.now() - t0 < timeoutMs) {
      const views = await Promise.all(
        this.gateways
          .filter((g) => !this.unreachable.has(g.host.name) && g.proc?.running)
          .map((g) =>
            g.aliveMembers().then(
              (alive) => ({ g: g.host.name, missing: names.filter((n) => !alive.includes(n)) }),
              (e: Error) => ({ g: g.host.name, missing: [`(no answer: ${e.message.split("\n")[0]})`] }),
            ),
          ),
      );
      const bad = views.filter((v) => v.missing.length > 0);
      if (bad.length === 0) return performance.now() - t0;
      last = bad.map((v) => `${v.g} lacks ${v.missing.join(",")}`).join("; ");
      await sleep(POLL_MS);
    }
    throw new Error(`${what}: membership not converged in ${timeoutMs} ms: ${last}`);
  }

  /** Waits until every subscriber outside `except` has `count` deliveries of `pub`; false on timeout. */
  async waitDelivered(pub: string, count: number, except: string, timeoutMs: number): Promise<boolean> {
    const t0 = performance.now();
    const subs = this.subscribers.filter((s) => s.gateway.host.name !== except);
    while (performance.now() - t0 < timeoutMs) {
      if (subs.every((s) => (s.byPublisher[pub] ?? 0) >= count)) return true;
      await sleep(POLL_MS);
    }
    return false;
  }

  /**
   * Waits until every subscriber holds `expected` deliveries, or none has got
   * anything new for `stallMs`, or `timeoutMs` passed. Returns the ms waited.
   */
  async drain(expected: number, stallMs: number, timeoutMs: number): Promise<number> {
    const t0 = performance.now();
    let lastTotal = -1;
    let lastChange = t0;
    while (performance.now() - t0 < timeoutMs) {
      if (this.subscribers.every((s) => s.received >= expected)) return performance.now() - t0;
      const total = this.subscribers.reduce((a, s) => a + s.received, 0);
      if (total !== lastTotal) [lastTotal, lastChange] = [total, performance.now()];
      else if (performance.now() - lastChange > stallMs) break;
      await sleep(POLL_MS);
    }
    return performance.now() - t0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

import type { Logger, Metrics } from "../observe/index.js";
import type { Clock, Rng, TimerHandle } from "../transport/index.js";
import type { BeaconKeys } from "./beacon-codec.js";
import {
  type BeaconLimits,
  BeaconProtocol,
  type BeaconSelf,
  type ClusterView,
  DEFAULT_BEACON_LIMITS,
} from "./beacon-protocol.js";
import { LogLimiter } from "./log-limiter.js";

/** Datagrams to and from the beacon group; the dgram adapter is multicast-socket.ts. */
export interface BeaconSocket {
  /** Best effort; errors are reported through `onError`, never thrown. */
  send(data: Uint8Array): void;
  onMessage(fn: (data: Uint8Array, from: string) => void): void;
  close(): void;
}

/** The overlay as beacon discovery uses it. */
export interface BeaconCluster extends ClusterView {
  /** Starts a join (full state exchange) with the node at `address`; `done` says whether it answered. */
  join(address: string, done: (ok: boolean) => void): void;
}

export interface BeaconDiscoveryDeps {
  socket: BeaconSocket;
  clock: Clock;
  rng: Rng;
  cluster: BeaconCluster;
  log: Logger;
  metrics: Metrics;
}

/**
 * Runs BeaconProtocol on a socket and a clock: beacons on a timer, decisions turned into joins.
 * Metrics: discovery_beacons_{sent,received}_total, discovery_beacons_dropped_total{reason} (not a beacon
 * of this cluster and key), discovery_beacons_ignored_total{reason}, discovery_beacon_joins_total{result}.
 */
export class BeaconDiscovery {
  private readonly protocol: BeaconProtocol;
  private readonly timers = new Set<TimerHandle>();
  private readonly debug: LogLimiter;
  private running = false;

  constructor(
    self: BeaconSelf,
    keys: BeaconKeys | null,
    intervalMs: number,
    private readonly deps: BeaconDiscoveryDeps,
    limits: BeaconLimits = DEFAULT_BEACON_LIMITS,
  ) {
    this.protocol = new BeaconProtocol(self, keys, intervalMs, limits, deps.rng);
    this.debug = new LogLimiter(deps.log, () => deps.clock.nowMs());
  }

  /** Listens, and sends the first beacon within 200 ms (then on the protocol's period). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.deps.socket.onMessage((data, from) => this.onMessage(data, from));
    this.after(Math.floor(this.deps.rng.next() * 200), () => this.tick());
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) this.deps.clock.clearTimer(t);
    this.timers.clear();
    this.protocol.reset();
    this.deps.socket.onMessage(() => {});
    this.deps.socket.close();
  }

  private tick(): void {
    const { bytes, nextInMs } = this.protocol.beacon(this.deps.cluster);
    this.deps.socket.send(bytes);
    this.deps.metrics.inc("discovery_beacons_sent_total");
    this.after(nextInMs, () => this.tick());
  }

  private onMessage(data: Uint8Array, from: string): void {
    if (!this.running) return;
    const { metrics, clock, cluster } = this.deps;
    metrics.inc("discovery_beacons_received_total");
    const d = this.protocol.receive(data, clock.nowMs(), cluster);
    switch (d.action) {
      case "drop":
        metrics.inc("discovery_beacons_dropped_total", { reason: d.reason });
        this.debug.debug("beacon dropped", { reason: d.reason, from, bytes: data.length });
        return;
      case "ignore":
        metrics.inc("discovery_beacons_ignored_total", { reason: d.reason });
        if (d.reason !== "self" && d.reason !== "known") {
          this.debug.debug("beacon ignored", { reason: d.reason, node: d.beacon.node, from });
        }
        return;
      case "join":
        if (d.afterMs === 0) return this.join(d.beacon.node, d.beacon.address);
        this.after(d.afterMs, () => {
          const r = this.protocol.due(d.beacon, clock.nowMs(), cluster);
          if (r === "join") this.join(d.beacon.node, d.beacon.address);
          else metrics.inc("discovery_beacons_ignored_total", { reason: r });
        });
    }
  }

  private join(node: string, address: string): void {
    const { log, metrics } = this.deps;
    log.debug("joining a node heard on the beacon group", { node, address });
    this.deps.cluster.join(address, (ok) => {
      metrics.inc("discovery_beacon_joins_total", { result: ok ? "ok" : "failed" });
      if (!this.running) return;
      if (ok) log.info("joined via beacon", { node, address, members: this.deps.cluster.liveCount() });
      else this.debug.debug("join via beacon failed", { node, address });
    });
  }

  private after(ms: number, fn: () => void): void {
    const t = this.deps.clock.setTimer(ms, () => {
      this.timers.delete(t);
      if (this.running) fn();
    });
    this.timers.add(t);
  }
}

import { isIPv4 } from "node:net";
import { type AgentConfig, parseSeed, type SeedSpec } from "../config/index.js";
import {
  BeaconDiscovery,
  DEFAULT_PEER_SNAPSHOT_LIMITS,
  dnsClient,
  isLoopback,
  openMulticastSocket,
  type PeerRecord,
  PeerSnapshotWriter,
  readPeerSnapshot,
  writePeerSnapshot,
} from "../discovery/index.js";
import type { Logger, Metrics } from "../observe/index.js";
import type { Keyring, Overlay } from "../overlay/index.js";
import { cryptoRng, realClock, splitAddress } from "../transport/index.js";
import { retryJoin } from "./join.js";

/** How an agent finds its cluster: seeds (address or DNS), the peer snapshot, multicast beacons. */
export interface RunningDiscovery {
  /** Stops retries and beacons, and writes the peer snapshot a last time. */
  stop(): Promise<void>;
}

/** Starts every way of joining the agent is configured for; rejects when the beacon socket cannot open. */
export async function startDiscovery(
  config: AgentConfig,
  overlay: Overlay,
  keyring: Keyring | undefined,
  log: Logger,
  metrics: Metrics,
): Promise<RunningDiscovery> {
  const clock = realClock();
  const limits = DEFAULT_PEER_SNAPSHOT_LIMITS;
  const dataDir = config.dataDir;
  let remembered: PeerRecord[] = [];
  if (dataDir !== null) {
    const r = await readPeerSnapshot(dataDir, config.overlay, limits.maxPeers, limits.maxFileBytes);
    if (r.ok) remembered = r.value;
    else log.warn("ignoring the peer snapshot", { error: r.error });
  }
  const beacons = config.discover.includes("multicast")
    ? await startBeacons(config, overlay, keyring, log, metrics)
    : null;
  const stopJoin = retryJoin(
    overlay,
    {
      seeds: config.join.map((s) => (parseSeed(s) as { value: SeedSpec }).value),
      snapshot: remembered.map((p) => p.address),
      dns: dnsClient(config.dnsServer),
    },
    clock,
    log,
  );
  const writer =
    dataDir === null
      ? null
      : new PeerSnapshotWriter(overlay.name, remembered, limits, {
          clock,
          members: () => overlay.members(),
          save: (peers) =>
            writePeerSnapshot(dataDir, {
              overlay: config.overlay,
              node: overlay.name,
              savedAtMs: Date.now(),
              peers,
            }),
          log,
          metrics,
        });
  const unsubscribe = writer ? overlay.on(() => writer.changed()) : () => {};
  return {
    async stop() {
      stopJoin();
      beacons?.stop();
      unsubscribe();
      await writer?.flush();
    },
  };
}

async function startBeacons(
  config: AgentConfig,
  overlay: Overlay,
  keyring: Keyring | undefined,
  log: Logger,
  metrics: Metrics,
): Promise<BeaconDiscovery> {
  const self = overlay.localMember();
  const mc = config.multicast;
  const iface = mc.interface ?? defaultInterface(self.address);
  // A loopback address means nothing to other hosts: keep such beacons on this host.
  const ttl = isLoopback(self.address) ? 0 : mc.ttl;
  let socketErrors = 0;
  const socket = await openMulticastSocket({
    group: mc.group,
    ttl,
    interface: iface,
    onError: (err) => {
      metrics.inc("discovery_beacon_socket_errors_total");
      // The first at warn (e.g. no route to the group), the rest at debug: they repeat every beacon.
      if (socketErrors++ === 0) log.warn("beacon socket error", { error: err.message });
      else log.debug("beacon socket error", { error: err.message });
    },
  }).catch((err: Error) => {
    throw new Error(
      `multicast ${mc.group.host}:${mc.group.port} on ${iface ?? "the default interface"}: ${err.message}`,
    );
  });
  const discovery = new BeaconDiscovery(
    { cluster: config.overlay, node: self.name, address: self.address },
    keyring ?? null,
    mc.intervalMs,
    {
      socket,
      clock: realClock(),
      rng: cryptoRng(),
      log,
      metrics,
      cluster: {
        liveCount: () => overlay.liveMembers().length,
        isLive: (name, address) =>
          overlay
            .liveMembers()
            .some((m) => m.name !== overlay.name && (m.name === name || m.address === address)),
        join: (address, done) => overlay.join([address], (r) => done(r.contacted > 0)),
      },
    },
  );
  discovery.start();
  log.info("multicast discovery on", {
    group: `${mc.group.host}:${mc.group.port}`,
    interface: iface ?? "default",
    ttl,
    intervalMs: mc.intervalMs,
    sealed: keyring !== undefined,
  });
  return discovery;
}

/** The advertised address's interface when it is a specific, non-loopback IPv4 address. */
function defaultInterface(advertised: string): string | null {
  const host = splitAddress(advertised)?.host;
  if (host === undefined || !isIPv4(host) || host === "0.0.0.0" || host.startsWith("127.")) return null;
  return host;
}

import { Bus, Channels, type BusConfig, type LogStore, type RetentionLimits } from "../bus/index.js";
import type { ClusterKeys, PersistKeys } from "../keys/index.js";
import { MemoryMetrics, nullLogger, type Logger } from "../observe/index.js";
import { Overlay, type Keyring, type OverlayConfig } from "../overlay/index.js";
import { Registry, REGISTRY_CHANNEL, RegistrySync } from "../registry/index.js";
import type { Clock, Rng, Transport } from "../transport/index.js";
import { clusterKeys } from "./keys.js";
import { replicationLink } from "./replication-link.js";
import { startServiceCatalog, type NodeCatalog } from "./service-catalog.js";
import { nodeStore } from "./store.js";
import { NOTHING, Teardown, type Close } from "./teardown.js";

/** What a node is made of that its host owns: the world it runs in. Nothing is global. */
export interface NodeDeps {
  /** Gossip datagrams and streams: NetTransport in the agent, a SimNetwork host in the simulator. */
  transport: Transport;
  clock: Clock;
  rng: Rng;
  /**
   * The retention log; its host closes it. Absent: a new in-memory log with a
   * new epoch (a node without a data dir).
   */
  store?: LogStore;
  /** The keys gossip is encrypted with; absent = plaintext. */
  keyring?: Keyring;
  logger?: Logger;
  /** Counters of every layer (the admin API reads them). @default a new MemoryMetrics */
  metrics?: MemoryMetrics;
}

export interface NodeConfig {
  /** The overlay member: name, cluster label, timing profile (lanConfig, wanConfig, localConfig). */
  overlay: OverlayConfig;
  bus?: Partial<BusConfig>;
  /** Bounds of the log the node creates when no store is given. @default DEFAULT_RETENTION */
  retention?: RetentionLimits;
  tags?: Record<string, string>;
  /** Start above a previous run's incarnation (from a data dir). @default 0 */
  incarnation?: number;
  /** The address services registered without one get (the advertised gossip host). */
  advertisedHost: string;
  /**
   * A broken invariant of the overlay or the bus throws where it breaks (the
   * simulator), instead of being logged and counted. @default overlay.strictInvariants
   */
  strictInvariants?: boolean;
}

/** Where a host hooks files (or anything else outliving the process) into the node's life. */
export interface NodeHooks {
  /**
   * Called once the registry exists, before anything starts (e.g. load the
   * types a data dir holds); the close it returns runs at a graceful stop,
   * after the leave.
   */
  registry?: (registry: Registry) => Close;
  /** Runs after each keyring change (the agent rewrites its keyring file). */
  persistKeys?: PersistKeys;
  /** Runs at a graceful stop, after the leave (e.g. record the incarnation this run ended at). */
  afterLeave?: (overlay: Overlay) => unknown;
}

/** One whole gateway node below its client API: overlay member, bus, registry, catalog, keys. */
export interface HearsayNode {
  readonly name: string;
  readonly overlay: Overlay;
  readonly channels: Channels;
  readonly bus: Bus;
  readonly store: LogStore;
  readonly registry: Registry;
  readonly registrySync: RegistrySync;
  readonly services: NodeCatalog;
  readonly keys: ClusterKeys;
  readonly metrics: MemoryMetrics;
  /** The one ordered close list; a host adds what it starts on top (discovery, listeners): they close first. */
  readonly parts: Teardown;
  /** Leaves the overlay gracefully (left, not failed), then closes every part, last added first. */
  close(): Promise<void>;
  /** The process dies: every state machine stops at once, no farewell, nothing is written. */
  kill(): void;
}

/**
 * Builds and starts a node from injected transport, clock, Rng, store and
 * keyring. Its parts join `parts` (the host's close list, which may already
 * hold the store and transport) in start order: after-leave hooks, overlay
 * and bus, registry and catalog sync; a graceful close runs them in reverse.
 */
export function buildNode(
  deps: NodeDeps,
  config: NodeConfig,
  opts: { parts?: Teardown; hooks?: NodeHooks } = {},
): HearsayNode {
  const log = deps.logger ?? nullLogger;
  const metrics = deps.metrics ?? new MemoryMetrics();
  const parts = opts.parts ?? new Teardown(log);
  const hooks = opts.hooks ?? {};
  const { clock, rng } = deps;
  const { store } = nodeStore(deps.store, config.retention, { clock, rng, log });
  const strict = config.strictInvariants ?? config.overlay.strictInvariants;
  const overlay = new Overlay(
    { ...config.overlay, strictInvariants: strict },
    { transport: deps.transport, clock, rng, keyring: deps.keyring, logger: log, metrics },
    { tags: config.tags ?? {}, incarnation: config.incarnation ?? 0 },
  );
  const afterLeave = hooks.afterLeave;
  if (afterLeave) parts.add("after leave", () => afterLeave(overlay), NOTHING);
  const channels = new Channels(overlay, metrics);
  const bus = new Bus(
    { overlay, clock, rng, store, channels, logger: log, metrics, strictInvariants: strict },
    config.bus,
  );
  const registry = new Registry(overlay.name, () => Math.floor(clock.nowMs()), log, metrics);
  const link = replicationLink(overlay, channels.claim(REGISTRY_CHANNEL, "registry"));
  const registrySync = new RegistrySync(registry, link, clock, rng, log, metrics);
  const persistTypes = hooks.registry?.(registry);
  if (persistTypes) parts.add("types", persistTypes, NOTHING);
  const services = startServiceCatalog(overlay, channels, config.advertisedHost, {
    clock,
    rng,
    log,
    metrics,
  });
  const keys = clusterKeys(overlay, channels, deps.keyring, hooks.persistKeys ?? null);
  const stopMachines = (): void => {
    registrySync.stop();
    services.sync.stop();
    bus.stop();
    overlay.stop();
  };
  // One part: a graceful stop has the overlay leave before the bus stops; a failed start stops both at once.
  parts.add(
    "overlay and bus",
    async () => {
      await new Promise<void>((resolve) => overlay.leave(resolve));
      bus.stop();
    },
    () => {
      bus.stop();
      overlay.stop();
    },
  );
  overlay.start();
  bus.start();
  registrySync.start();
  services.sync.start();
  parts.add("registry and catalog sync", () => {
    registrySync.stop();
    services.sync.stop();
  });
  return {
    name: overlay.name,
    overlay,
    channels,
    bus,
    store,
    registry,
    registrySync,
    services,
    keys,
    metrics,
    parts,
    close: () => parts.stop(),
    kill() {
      parts.forget();
      stopMachines();
    },
  };
}

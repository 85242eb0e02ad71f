import { Bus, Channels, type BusConfig, type LogStore, type RetentionLimits } from "../bus/index.js";
import type { ClusterKeys, PersistKeys } from "../keys/index.js";
import { MemoryMetrics, nullLogger, type Logger, type Metrics } from "../observe/index.js";
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
  /** Canonical copy of member names and addresses (simulated nodes sharing one heap). @default identity */
  intern?: (s: string) => string;
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

/** A node built with `layers: "overlay"`: the overlay member alone (overlay scenarios and benchmarks). */
export interface OverlayNode {
  readonly name: string;
  readonly overlay: Overlay;
  /** What the layers count through: `deps.metrics`, else a new MemoryMetrics. */
  readonly metrics: Metrics;
  /** The one ordered close list; a host adds what it starts on top (discovery, listeners): they close first. */
  readonly parts: Teardown;
  /** Leaves the overlay gracefully (left, not failed), then closes every part, last added first. */
  close(): Promise<void>;
  /** The process dies: every state machine stops at once, no farewell, nothing is written. */
  kill(): void;
}

/** A node built with `layers: "bus"`: overlay, channel mux and the bus on its retention log. */
export interface BusNode extends OverlayNode {
  readonly channels: Channels;
  readonly bus: Bus;
  readonly store: LogStore;
}

/** One whole gateway node below its client API: overlay member, bus, registry, catalog, keys. */
export interface HearsayNode extends BusNode {
  readonly registry: Registry;
  readonly registrySync: RegistrySync;
  readonly services: NodeCatalog;
  readonly keys: ClusterKeys;
  readonly metrics: MemoryMetrics;
}

/**
 * How much of a node to build, each layer on the ones before it: "overlay" (the
 * member alone), "bus" (+ channels and the bus on its log), "all" (+ registry,
 * catalog and keys). A simulator run that measures one layer builds only it, so
 * no registry or catalog sync traffic rides along (bench/overlay-sim at N = 10,000).
 */
export type NodeLayers = "overlay" | "bus" | "all";

export interface BuildOptions {
  /** The host's close list (may already hold its store and transport). @default a new Teardown */
  parts?: Teardown;
  /** Files and the like; `registry` and `persistKeys` apply to "all" only. */
  hooks?: NodeHooks;
  /** @default "all" */
  layers?: NodeLayers;
}

/** What a partial node ("overlay", "bus") may count through: any Metrics, e.g. nullMetrics for a 10,000-node bench. */
export type LayerDeps = Omit<NodeDeps, "metrics"> & { metrics?: Metrics };

/**
 * Builds and starts a node from injected transport, clock, Rng, store and
 * keyring. Its parts join `parts` (the host's close list, which may already
 * hold the store and transport) in start order: after-leave hooks, overlay
 * and bus, registry and catalog sync; a graceful close runs them in reverse.
 * With `layers` it stops at the overlay or the bus (same order, fewer parts).
 */
export function buildNode(
  deps: NodeDeps,
  config: NodeConfig,
  opts?: BuildOptions & { layers?: "all" },
): HearsayNode;
export function buildNode(
  deps: LayerDeps,
  config: NodeConfig,
  opts: BuildOptions & { layers: "bus" },
): BusNode;
export function buildNode(
  deps: LayerDeps,
  config: NodeConfig,
  opts: BuildOptions & { layers: "overlay" },
): OverlayNode;
export function buildNode(deps: LayerDeps, config: NodeConfig, opts: BuildOptions = {}): OverlayNode {
  const log = deps.logger ?? nullLogger;
  const metrics = deps.metrics ?? new MemoryMetrics();
  const parts = opts.parts ?? new Teardown(log);
  const hooks = opts.hooks ?? {};
  const layers = opts.layers ?? "all";
  const { clock, rng } = deps;
  // An overlay alone has no log: no store, no epoch drawn from the Rng.
  const store =
    layers === "overlay" ? undefined : nodeStore(deps.store, config.retention, { clock, rng, log }).store;
  const strict = config.strictInvariants ?? config.overlay.strictInvariants;
  const overlay = new Overlay(
    { ...config.overlay, strictInvariants: strict },
    {
      transport: deps.transport,
      clock,
      rng,
      keyring: deps.keyring,
      logger: log,
      metrics,
      intern: deps.intern,
    },
    { tags: config.tags ?? {}, incarnation: config.incarnation ?? 0 },
  );
  const afterLeave = hooks.afterLeave;
  if (afterLeave) parts.add("after leave", () => afterLeave(overlay), NOTHING);
  if (store === undefined) {
    parts.add(
      "overlay",
      () => new Promise<void>((resolve) => overlay.leave(resolve)),
      () => overlay.stop(),
    );
    overlay.start();
    return layerNode(overlay, metrics, parts, () => overlay.stop());
  }
  const channels = new Channels(overlay, metrics);
  const bus = new Bus(
    { overlay, clock, rng, store, channels, logger: log, metrics, strictInvariants: strict },
    config.bus,
  );
  if (layers === "bus") {
    startOverlayAndBus(overlay, bus, parts);
    const stop = (): void => {
      bus.stop();
      overlay.stop();
    };
    const node: BusNode = { ...layerNode(overlay, metrics, parts, stop), channels, bus, store };
    return node;
  }
  // The overload gives "all" NodeDeps, whose metrics are a MemoryMetrics.
  return wholeNode(overlay, channels, bus, store, metrics as MemoryMetrics, {
    deps,
    config,
    parts,
    hooks,
    log,
  });
}

/** Registry, catalog and keys on a built overlay and bus; then everything starts, in the agent's order. */
function wholeNode(
  overlay: Overlay,
  channels: Channels,
  bus: Bus,
  store: LogStore,
  metrics: MemoryMetrics,
  o: { deps: LayerDeps; config: NodeConfig; parts: Teardown; hooks: NodeHooks; log: Logger },
): HearsayNode {
  const { deps, config, parts, hooks, log } = o;
  const { clock, rng } = deps;
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
  startOverlayAndBus(overlay, bus, parts);
  registrySync.start();
  services.sync.start();
  parts.add("registry and catalog sync", () => {
    registrySync.stop();
    services.sync.stop();
  });
  return {
    ...layerNode(overlay, metrics, parts, stopMachines),
    channels,
    bus,
    store,
    registry,
    registrySync,
    services,
    keys,
    metrics,
  };
}

/** One part: a graceful stop has the overlay leave before the bus stops; a failed start stops both at once. */
function startOverlayAndBus(overlay: Overlay, bus: Bus, parts: Teardown): void {
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
}

function layerNode(
  overlay: Overlay,
  metrics: Metrics,
  parts: Teardown,
  stopMachines: () => void,
): OverlayNode {
  return {
    name: overlay.name,
    overlay,
    metrics,
    parts,
    close: () => parts.stop(),
    kill() {
      parts.forget();
      stopMachines();
    },
  };
}

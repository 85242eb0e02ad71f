import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { type Bus, DEFAULT_RETENTION, FileLogStore, type LogStore } from "../bus/index.js";
import { type AgentConfig, formatHostPort } from "../config/index.js";
import {
  AdminApi,
  adminService,
  Authorizer,
  GatewayApi,
  type ExtraService,
  type GrpcListener,
  type NodeView,
  startGrpcServer,
  startThriftServer,
  type TagAdmin,
  type ThriftListener,
} from "../gateway/index.js";
import { buildNode, type HearsayNode, Teardown } from "../node/index.js";
import { MemoryMetrics, type Logger } from "../observe/index.js";
import { GATEWAY_NODE_FLAGS, missingNodeFlags } from "./node-flags.js";
import {
  Keyring,
  lanConfig,
  localConfig,
  type Overlay,
  type OverlayConfig,
  wanConfig,
} from "../overlay/index.js";
import { cryptoRng, NetTransport, realClock } from "../transport/index.js";
import { digestBus } from "./bus-adapter.js";
import { readNodeRecord, writeNodeRecord } from "./data-dir.js";
import { startDiscovery } from "./discovery.js";
import { readKeyringFile, writeKeyringFile } from "./keyring-file.js";
import { persistRegistry } from "./registry-file.js";

/** A running agent: the overlay member, its bus and registry, and the client API listeners. */
export interface RunningAgent {
  readonly overlay: Overlay;
  readonly bus: Bus;
  /** Counters of every layer (overlay, bus, registry), for the admin API and tests. */
  readonly metrics: MemoryMetrics;
  readonly grpc: GrpcListener | null;
  readonly thrift: ThriftListener | null;
  /** Leaves the overlay gracefully (left, not failed), then closes everything. */
  stop(): Promise<void>;
}

/** Thrown for start-up problems the operator must fix; the CLI prints the message and exits 2. */
export class StartupError extends Error {}

const PRESETS: Record<AgentConfig["profile"], (name: string, o: Partial<OverlayConfig>) => OverlayConfig> = {
  lan: lanConfig,
  wan: wanConfig,
  local: localConfig,
};

export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  const incarnation = await startIncarnation(config, log);
  const keyring = await loadKeyring(config);
  const credentials = await grpcCredentials(config);
  const parts = new Teardown(log);
  try {
    const core = await startCore(config, incarnation, keyring, log, parts);
    const discovery = await startDiscovery(config, core.node.overlay, keyring, log, core.node.metrics).catch(
      (err: Error) => {
        throw new StartupError(`discovery: ${err.message}`);
      },
    );
    parts.add("discovery", () => discovery.stop());
    const auth = new Authorizer(config.tokens);
    if (auth.open) log.warn("no client tokens configured: the client API is open to anyone who can reach it");
    warnWithoutNodeFlags(log);
    const { api, admin } = gatewayApi(config, core, auth, log);
    const listeners = await startListeners(config, api, admin, credentials, log, parts);
    log.info("ready", {
      node: config.nodeName,
      overlay: config.overlay,
      gossip: core.transport.localAddress,
      grpc: listeners.grpc ? formatHostPort(listeners.grpc.address) : null,
      thrift: listeners.thrift ? formatHostPort(listeners.thrift.address) : null,
      encrypted: keyring !== undefined,
      tls: config.tls !== null,
      tokens: config.tokens.length,
    });
    return {
      overlay: core.node.overlay,
      bus: core.node.bus,
      metrics: core.node.metrics,
      ...listeners,
      async stop() {
        await parts.stop();
        log.info("stopped", { node: config.nodeName });
      },
    };
  } catch (err) {
    await parts.abort();
    throw err;
  }
}

/** The started node under the client API, and its gossip socket. */
interface Core {
  readonly transport: NetTransport;
  readonly node: HearsayNode;
  readonly overlayConfig: OverlayConfig;
}

/**
 * Opens the store and the gossip socket, then builds the node on them (overlay
 * member, bus, registry, service catalog, keys); each adds its close to `parts`
 * (closed in reverse). Only the files and sockets are the agent's own.
 */
async function startCore(
  config: AgentConfig,
  incarnation: number,
  keyring: Keyring | undefined,
  log: Logger,
  parts: Teardown,
): Promise<Core> {
  const store = openStore(config);
  if (store) parts.add("store", () => store.close());
  const transport = await NetTransport.listen({
    host: config.bind.host,
    port: config.bind.port,
    advertise: advertiseAddress(config),
  }).catch((err: Error) => {
    throw new StartupError(`bind ${formatHostPort(config.bind)}: ${err.message}`);
  });
  parts.add("transport", () => transport.close());
  // The overlay name is the cluster label: encrypted traffic of another overlay never decrypts here.
  const overlayConfig = PRESETS[config.profile](config.nodeName, { label: config.overlay });
  const dir = config.dataDir;
  const keyringFile = config.keyringFile;
  const node = buildNode(
    {
      transport,
      clock: realClock(),
      rng: cryptoRng(),
      store,
      keyring,
      logger: log,
      metrics: new MemoryMetrics(),
    },
    {
      overlay: overlayConfig,
      retention: DEFAULT_RETENTION,
      tags: config.tags,
      incarnation,
      advertisedHost: advertiseAddress(config).host,
    },
    {
      parts,
      hooks: {
        // At a graceful stop only, after the leave: the incarnation this run ended at.
        afterLeave: dir ? (overlay) => writeNodeRecord(dir, nodeRecord(overlay)) : undefined,
        registry: dir ? (registry) => persistRegistry(registry, dir, log) : undefined,
        persistKeys: keyringFile
          ? async (keys) => {
              await writeKeyringFile(keyringFile, keys);
              log.info("keyring file rewritten", { file: keyringFile, keys: keys.length });
            }
          : undefined,
      },
    },
  );
  return { transport, node, overlayConfig };
}

function nodeRecord(overlay: Overlay): { name: string; incarnation: number } {
  const self = overlay.localMember();
  return { name: self.name, incarnation: self.incarnation };
}

function warnWithoutNodeFlags(log: Logger): void {
  const missing = missingNodeFlags();
  if (missing.length === 0) return;
  log.info("node runs without the gateway's V8 flags: expect longer GC pauses under load", {
    missing: missing.join(" "),
    hint:
      "start the gateway as `hearsay agent` or `node " +
      GATEWAY_NODE_FLAGS.join(" ") +
      " bin/hearsay.js agent`",
  });
}

/** The client API over the node, and the admin service (keys, tags) served beside it on the gRPC port. */
function gatewayApi(
  config: AgentConfig,
  core: Core,
  auth: Authorizer,
  log: Logger,
): { api: GatewayApi; admin: ExtraService } {
  const { node } = core;
  const { overlay, registry, registrySync } = node;
  const tags = memberTags(overlay, core.overlayConfig);
  const admin = adminService(
    new AdminApi({ auth, keys: node.keys, tags, overlay: config.overlay }, log),
    log,
  );
  const features = [
    "info",
    "members",
    "types",
    "publish",
    "subscribe",
    "services",
    ...(config.thrift ? ["thrift"] : []),
  ];
  const catalog = node.services;
  const api = new GatewayApi(
    config,
    {
      node: nodeView(overlay, core.transport.localAddress),
      registry: {
        register: (r) => registrySync.register(r),
        get: (n) => registry.get(n),
        list: (p) => registry.list(p),
      },
      bus: digestBus(node.bus),
      auth,
      services: {
        register: (r) => catalog.sync.register(r),
        deregister: (name, id) => catalog.sync.deregister(name, id),
        list: (f) => catalog.catalog.list(f),
        onEvent: (fn) => catalog.catalog.onEvent(fn),
      },
      metrics: node.metrics,
    },
    Date.now,
    features,
  );
  return { api, admin };
}

/** The client API ports. One part: a stop closes both at once, and closes gRPC if Thrift fails to start. */
async function startListeners(
  config: AgentConfig,
  api: GatewayApi,
  admin: ExtraService,
  credentials: grpc.ServerCredentials,
  log: Logger,
  parts: Teardown,
): Promise<{ grpc: GrpcListener | null; thrift: ThriftListener | null }> {
  const on: { grpc: GrpcListener | null; thrift: ThriftListener | null } = { grpc: null, thrift: null };
  parts.add("client API", () => Promise.all([on.grpc?.close(), on.thrift?.close()]));
  try {
    if (config.grpc) {
      const max = config.limits.maxGrpcMessageBytes;
      on.grpc = await startGrpcServer(api, config.grpc, max, log, credentials, [admin]);
    }
    if (config.thrift) {
      on.thrift = await startThriftServer(api, config.thrift, config.limits.maxThriftFrameBytes, log);
    }
  } catch (err) {
    throw new StartupError(`client API listener: ${(err as Error).message}`);
  }
  return { ...on };
}

/** The retention log in the data dir (survives restarts); without one the node keeps it in memory. */
function openStore(config: AgentConfig): LogStore | undefined {
  if (!config.dataDir) return undefined;
  const r = FileLogStore.open(join(config.dataDir, "log"), Date.now(), DEFAULT_RETENTION);
  if (!r.ok) throw new StartupError(`data dir: ${r.error}`);
  return r.store;
}

/** This node's tags as SetTags edits them; the overlay enforces its own limits on replace. */
function memberTags(overlay: Overlay, c: OverlayConfig): TagAdmin {
  return {
    node: overlay.name,
    maxTags: c.maxTags,
    maxStateBytes: c.maxNodeStateBytes,
    current: () => overlay.localMember().tags,
    replace: (tags) => overlay.setTags(tags),
  };
}

/** Adapts the overlay to what the client API reads. */
function nodeView(overlay: Overlay, address: string): NodeView {
  return {
    overlayAddress: () => address,
    members: () => overlay.members(),
    onMemberChange: (fn) => overlay.on((e) => fn({ type: e.type, member: e.member })),
  };
}

/** TLS for the gRPC port from PEM files; with a client CA, clients must present a certificate (mTLS). */
async function grpcCredentials(config: AgentConfig): Promise<grpc.ServerCredentials> {
  const tls = config.tls;
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const read = (what: string, path: string) =>
    readFile(path).catch((err: Error) => {
      throw new StartupError(`tls.${what}: ${err.message}`);
    });
  const [cert, key, ca] = await Promise.all([
    read("cert", tls.certFile),
    read("key", tls.keyFile),
    tls.clientCaFile ? read("clientCa", tls.clientCaFile) : Promise.resolve(null),
  ]);
  try {
    return grpc.ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], ca !== null);
  } catch (err) {
    throw new StartupError(`tls: ${(err as Error).message}`);
  }
}

/** A restarted node starts above every incarnation it used before, so its old self is refuted at once. */
async function startIncarnation(config: AgentConfig, log: Logger): Promise<number> {
  if (!config.dataDir) return 0;
  const r = await readNodeRecord(config.dataDir);
  if (!r.ok) throw new StartupError(`data dir: ${r.error}`);
  if (r.value && r.value.name !== config.nodeName) {
    log.warn("data dir belonged to another node name; starting its incarnation afresh", {
      previous: r.value.name,
      node: config.nodeName,
    });
  }
  const incarnation = r.value && r.value.name === config.nodeName ? r.value.incarnation + 1 : 0;
  await writeNodeRecord(config.dataDir, { name: config.nodeName, incarnation }).catch((err: Error) => {
    throw new StartupError(`data dir ${config.dataDir}: ${err.message}`);
  });
  return incarnation;
}

async function loadKeyring(config: AgentConfig): Promise<Keyring | undefined> {
  if (!config.keyringFile) return undefined;
  const r = await readKeyringFile(config.keyringFile);
  if (!r.ok) throw new StartupError(`keyring: ${r.error}`);
  return new Keyring(r.value);
}

/** Bound to a wildcard, advertise this host's first external address (IPv4 preferred); port 0 = the bound port. */
function advertiseAddress(config: AgentConfig): { host: string; port?: number } {
  if (config.advertise) return config.advertise;
  const { host } = config.bind;
  if (host !== "0.0.0.0" && host !== "::") return { host };
  const candidates = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal);
  const v4 = candidates.find((a) => a!.family === "IPv4");
  const pick = v4 ?? candidates.find((a) => a!.family === "IPv6");
  return { host: pick?.address ?? (host === "::" ? "::1" : "127.0.0.1") };
}

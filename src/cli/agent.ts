import { networkInterfaces } from "node:os";
import { type AgentConfig, formatHostPort } from "../config/index.js";
import {
  GatewayApi,
  type GrpcListener,
  type NodeView,
  startGrpcServer,
  startThriftServer,
  type ThriftListener,
} from "../gateway/index.js";
import type { Logger } from "../logging/index.js";
import {
  Keyring,
  lanConfig,
  localConfig,
  MemoryMetrics,
  Overlay,
  type OverlayConfig,
  wanConfig,
} from "../overlay/index.js";
import { Registry, RegistrySync } from "../registry/index.js";
import { cryptoRng, NetTransport, realClock } from "../transport/index.js";
import { readNodeRecord, writeNodeRecord } from "./data-dir.js";
import { readKeyringFile } from "./keyring-file.js";
import { retryJoin } from "./join.js";

/** A running agent: the overlay member and the client API listeners in front of it. */
export interface RunningAgent {
  readonly overlay: Overlay;
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
  const transport = await NetTransport.listen({
    host: config.bind.host,
    port: config.bind.port,
    advertise: advertiseAddress(config),
  }).catch((err: Error) => {
    throw new StartupError(`bind ${formatHostPort(config.bind)}: ${err.message}`);
  });
  const metrics = new MemoryMetrics();
  // The overlay name is the cluster label: encrypted traffic of another overlay never decrypts here.
  const overlayConfig = PRESETS[config.profile](config.nodeName, { label: config.overlay });
  const overlay = new Overlay(
    overlayConfig,
    { transport, clock: realClock(), rng: cryptoRng(), keyring, logger: log, metrics },
    { tags: config.tags, incarnation },
  );
  overlay.start();
  const stopJoin = retryJoin(overlay, config.join, log);

  const features = ["info", "members", "types", ...(config.thrift ? ["thrift"] : [])];
  const { registry, sync } = startRegistry(overlay, log, metrics);
  const api = new GatewayApi(
    config,
    {
      node: nodeView(overlay, transport.localAddress),
      registry: {
        register: (r) => sync.register(r),
        get: (n) => registry.get(n),
        list: (p) => registry.list(p),
      },
    },
    Date.now,
    features,
  );
  let grpc: GrpcListener | null = null;
  let thrift: ThriftListener | null = null;
  try {
    grpc = config.grpc
      ? await startGrpcServer(api, config.grpc, config.limits.maxGrpcMessageBytes, log)
      : null;
    thrift = config.thrift
      ? await startThriftServer(api, config.thrift, config.limits.maxThriftFrameBytes, log)
      : null;
  } catch (err) {
    stopJoin();
    overlay.stop();
    transport.close();
    await grpc?.close();
    throw new StartupError(`client API listener: ${(err as Error).message}`);
  }
  log.info("ready", {
    node: config.nodeName,
    overlay: config.overlay,
    gossip: transport.localAddress,
    grpc: grpc ? formatHostPort(grpc.address) : null,
    thrift: thrift ? formatHostPort(thrift.address) : null,
    encrypted: keyring !== undefined,
  });
  return {
    overlay,
    grpc,
    thrift,
    async stop() {
      stopJoin();
      sync.stop();
      await new Promise<void>((resolve) => overlay.leave(resolve));
      if (config.dataDir) {
        const self = overlay.localMember();
        await writeNodeRecord(config.dataDir, { name: self.name, incarnation: self.incarnation });
      }
      await Promise.all([grpc?.close(), thrift?.close()]);
      transport.close();
      log.info("stopped", { node: config.nodeName });
    },
  };
}

/** The replicated digest-type registry, synchronised over the overlay's user requests. */
function startRegistry(
  overlay: Overlay,
  log: Logger,
  metrics: MemoryMetrics,
): { registry: Registry; sync: RegistrySync } {
  const clock = realClock();
  const registry = new Registry(overlay.name, Date.now, log, metrics);
  const link = {
    peers: () =>
      overlay
        .liveMembers()
        .filter((m) => m.name !== overlay.name)
        .map((m) => m.address),
    request: (to: string, b: Uint8Array, ms: number, done: (r: Uint8Array | null) => void) =>
      overlay.requestUser(to, b, ms, done),
    onRequest: (fn: (from: string, b: Uint8Array, reply: (r: Uint8Array) => void) => void) =>
      overlay.onUserRequest(fn),
  };
  const sync = new RegistrySync(registry, link, clock, cryptoRng(), log, metrics);
  sync.start();
  return { registry, sync };
}

/** Adapts the overlay to what the client API reads. */
function nodeView(overlay: Overlay, address: string): NodeView {
  return {
    overlayAddress: () => address,
    members: () => overlay.members(),
    onMemberChange: (fn) => overlay.on((e) => fn({ type: e.type, member: e.member })),
  };
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

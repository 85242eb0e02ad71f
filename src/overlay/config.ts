/**
 * One typed config for the overlay. Units are in the names; formulas sit beside
 * the knobs they drive. Presets follow hashicorp/memberlist's LAN/WAN/local numbers.
 */
export interface OverlayConfig {
  /** Unique node name in the cluster. */
  name: string;
  /** Cluster label: additional authenticated data of every encrypted packet; clusters with different labels never merge. @default "" */
  label: string;

  /** Base time between failure-detection probes; scaled by local health: interval x (score + 1). @default 1000 (LAN) */
  probeIntervalMs: number;
  /** Wait for a direct ack before asking helpers; set to the 99th percentile RTT. @default 500 (LAN) */
  probeTimeoutMs: number;
  /** Helpers asked to probe a target that missed a direct ack (SWIM's k). @default 3 */
  indirectChecks: number;
  /** Also try a stream (TCP) ping when UDP probes fail, catching UDP-only breakage. @default true */
  tcpFallbackProbe: boolean;

  /** Suspicion min timeout = suspicionMult x max(1, log10(N)) x probeIntervalMs. @default 4 (LAN) */
  suspicionMult: number;
  /** Suspicion max timeout = suspicionMaxTimeoutMult x min timeout; confirmations shrink it toward min. @default 6 */
  suspicionMaxTimeoutMult: number;
  /** Lifeguard local health: probe interval and deadline scale up to this factor. @default 8 */
  awarenessMaxMultiplier: number;
  /** Lifeguard on (local health, nacks, dynamic suspicion, buddy system). Off = plain SWIM, for comparison. @default true */
  lifeguard: boolean;

  /** Time between gossip rounds. @default 200 (LAN) */
  gossipIntervalMs: number;
  /** Random peers each gossip round goes to. @default 3 (LAN) */
  gossipNodes: number;
  /** Dead/left members still get gossip for this long, so they learn the news too. @default 30000 (LAN) */
  gossipToTheDeadMs: number;
  /** Transmits per broadcast = retransmitMult x ceil(log10(N + 1)). @default 4 (LAN) */
  retransmitMult: number;

  /** Full-state exchange period; above 32 nodes it scales: x (ceil(log2 N - log2 32) + 1). @default 30000 (LAN) */
  pushPullIntervalMs: number;
  /** Timeout of one stream exchange (push-pull, TCP ping). @default 10000 (LAN) */
  streamTimeoutMs: number;
  /** leave() waits at most this long for its farewell to be gossiped before stopping. @default 5000 */
  leavePropagateMs: number;

  /** How often to retry a failed member or a seed, to heal partitions. @default 10000 */
  reconnectIntervalMs: number;
  /** Failed members are retried (and kept as tombstones) this long before being reaped. @default 24 h */
  reconnectTimeoutMs: number;
  /** Left members are kept as tombstones this long. @default 24 h */
  tombstoneTimeoutMs: number;
  /** A failed member's name may be taken by a node at another address this long after it failed. @default 0 (at once) */
  deadNodeReclaimMs: number;

  /** Max bytes of one datagram (after encryption). @default 1400 (LAN) */
  udpBudgetBytes: number;
  /** Max bytes of one stream message. @default 8 MiB */
  maxStreamBytes: number;
  /** Max encoded bytes of one node's tags + state sections, so its alive fits in a datagram. @default 1024 */
  maxNodeStateBytes: number;
  /** Max tags per node. @default 64 */
  maxTags: number;
  /** Max state sections per node. @default 16 */
  maxSections: number;
  /** Max members tracked (alive + tombstones); beyond it new names are dropped and counted. @default 100000 */
  maxMembers: number;
  /** Max broadcasts queued; the oldest, most-sent are dropped first. @default 4096 */
  maxBroadcastQueue: number;
  /** Max probes and indirect probes in flight awaiting acks. @default 1024 */
  maxPendingAcks: number;
  /** Max concurrent inbound + outbound stream exchanges. @default 128 */
  maxConcurrentStreams: number;
  /** Max encrypted nonces remembered to reject replays. @default 16384 */
  replayCacheSize: number;
  /**
   * A broken invariant of the membership state (a left member failed, an
   * incarnation going back) throws, so a simulator run stops where it breaks;
   * off, it is logged at error and counted (overlay_invariant_violations_total). @default false
   */
  strictInvariants: boolean;
}

/** memberlist DefaultLANConfig numbers. */
export function lanConfig(name: string, overrides: Partial<OverlayConfig> = {}): OverlayConfig {
  return {
    name,
    label: "",
    probeIntervalMs: 1000,
    probeTimeoutMs: 500,
    indirectChecks: 3,
    tcpFallbackProbe: true,
    suspicionMult: 4,
    suspicionMaxTimeoutMult: 6,
    awarenessMaxMultiplier: 8,
    lifeguard: true,
    gossipIntervalMs: 200,
    gossipNodes: 3,
    gossipToTheDeadMs: 30_000,
    retransmitMult: 4,
    pushPullIntervalMs: 30_000,
    streamTimeoutMs: 10_000,
    leavePropagateMs: 5000,
    reconnectIntervalMs: 10_000,
    reconnectTimeoutMs: 24 * 3_600_000,
    tombstoneTimeoutMs: 24 * 3_600_000,
    deadNodeReclaimMs: 0,
    udpBudgetBytes: 1400,
    maxStreamBytes: 8 * 1024 * 1024,
    maxNodeStateBytes: 1024,
    maxTags: 64,
    maxSections: 16,
    maxMembers: 100_000,
    maxBroadcastQueue: 4096,
    maxPendingAcks: 1024,
    maxConcurrentStreams: 128,
    replayCacheSize: 16_384,
    strictInvariants: false,
    ...overrides,
  };
}

/** memberlist DefaultWANConfig: slower, more patient. */
export function wanConfig(name: string, overrides: Partial<OverlayConfig> = {}): OverlayConfig {
  return lanConfig(name, {
    probeIntervalMs: 5000,
    probeTimeoutMs: 3000,
    suspicionMult: 6,
    gossipIntervalMs: 500,
    gossipNodes: 4,
    gossipToTheDeadMs: 60_000,
    pushPullIntervalMs: 60_000,
    streamTimeoutMs: 30_000,
    reconnectIntervalMs: 30_000,
    ...overrides,
  });
}

/** memberlist DefaultLocalConfig: one host or a fast, quiet LAN. */
export function localConfig(name: string, overrides: Partial<OverlayConfig> = {}): OverlayConfig {
  return lanConfig(name, {
    probeIntervalMs: 1000,
    probeTimeoutMs: 200,
    suspicionMult: 3,
    gossipIntervalMs: 100,
    gossipToTheDeadMs: 15_000,
    retransmitMult: 2,
    pushPullIntervalMs: 15_000,
    streamTimeoutMs: 1000,
    reconnectIntervalMs: 5000,
    ...overrides,
  });
}

export type ConfigError = { field: keyof OverlayConfig; problem: string };

/** Checks ranges; returns every problem found (empty = valid). */
export function validateConfig(c: OverlayConfig): ConfigError[] {
  const errs: ConfigError[] = [];
  const positive: Array<keyof OverlayConfig> = [
    "probeIntervalMs",
    "probeTimeoutMs",
    "gossipIntervalMs",
    "suspicionMult",
    "suspicionMaxTimeoutMult",
    "awarenessMaxMultiplier",
    "retransmitMult",
    "streamTimeoutMs",
    "maxMembers",
    "maxBroadcastQueue",
    "maxPendingAcks",
    "maxConcurrentStreams",
  ];
  for (const f of positive) if (!(Number(c[f]) > 0)) errs.push({ field: f, problem: "must be > 0" });
  if (c.name.length === 0 || Buffer.byteLength(c.name) > 128)
    errs.push({ field: "name", problem: "1..128 bytes" });
  if (c.probeTimeoutMs >= c.probeIntervalMs)
    errs.push({ field: "probeTimeoutMs", problem: "must be < probeIntervalMs" });
  if (c.udpBudgetBytes < 512 || c.udpBudgetBytes > 65_000)
    errs.push({ field: "udpBudgetBytes", problem: "512..65000" });
  if (c.maxNodeStateBytes > c.udpBudgetBytes - 256)
    errs.push({ field: "maxNodeStateBytes", problem: "must leave 256 B of the UDP budget for headers" });
  return errs;
}

/** min suspicion timeout = mult x max(1, log10(N)) x probe interval (ms). */
export function suspicionTimeoutMs(mult: number, n: number, probeIntervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)));
  return Math.floor(mult * nodeScale * probeIntervalMs);
}

/** transmits per broadcast = mult x ceil(log10(N + 1)). */
export function retransmitLimit(mult: number, n: number): number {
  return mult * Math.ceil(Math.log10(n + 1));
}

/** push-pull interval, stretched above 32 nodes so the cluster's TCP load stays flat. */
export function pushPullScaleMs(intervalMs: number, n: number): number {
  const threshold = 32;
  if (n <= threshold) return intervalMs;
  return intervalMs * (Math.ceil(Math.log2(n) - Math.log2(threshold)) + 1);
}

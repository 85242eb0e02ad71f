/**
 * Bus config: one typed object, units in the names, defaults in TSDoc.
 * Every queue, batch and decode length has a bound here.
 */
export interface BusConfig {
  /** Minimum interested peers each new digest is eager-pushed to; the fanout used is max(fanout, ceil(ln(N + 1)) + 1) for N interested nodes; with <= fanout + 1 peers, all of them. @default 3 */
  fanout: number;
  /** A push waits this long to be batched with others for the same peer; 0 = what one turn of the event loop pushes goes out right after it (no timer delay: a 1 ms linger cost ~1-2 ms per hop). @default 0 */
  lingerMs: number;
  /** Max bytes of one push datagram's bus payload; 0 = derive from the overlay's UDP budget (budget - 64). @default 0 */
  packetBudgetBytes: number;
  /** Max bytes of one pushed TCP batch (digests too large for a datagram). @default 4 MiB */
  maxPushStreamBytes: number;
  /** Max digests too large for a datagram waiting for one peer's TCP push batch; beyond it pushes are dropped (repair covers them). (Datagram-sized ones never wait: a full datagram leaves at once.) @default 8192 */
  maxOutboxDigests: number;

  /** Anti-entropy period: each node syncs high-water marks with one random interested peer. @default 300 */
  antiEntropyIntervalMs: number;
  /** Period of the repair check (gaps to pull, gaps to give up, seeks to retry). @default 50 */
  repairTickMs: number;
  /** Timeout of one sync, seek or TCP push exchange. @default 5000 */
  requestTimeoutMs: number;
  /** Max digests in one sync answer (a node behind catches up this many per exchange; an answer of 256 B digests is ~1.2 MB). @default 4096 */
  maxSyncDigests: number;
  /** A sync answer to a node that knows of no gap leaves out digests published in the last this-many ms: they are most likely still on their way by push (measured: at 50,000 digests/s anti-entropy fetched ~15 % of all digests a second time). A known gap (digests held back behind it) is answered in full. @default 200 */
  syncRecentGraceMs: number;
  /** Max payload + header bytes in one sync answer. @default 4 MiB */
  maxSyncBytes: number;
  /** Max stream heads in one sync message. @default 4096 */
  maxSyncHeads: number;
  /** Max sync and seek exchanges in flight from this node. @default 8 */
  maxConcurrentSyncs: number;

  /** A gap is pulled (from the origin, else an interested peer) after it persisted this long. @default 20 */
  gapPullDelayMs: number;
  /** Pulls of a persisting gap repeat at this interval. @default 250 */
  gapRetryMs: number;
  /** A gap nobody has repaired in this long is given up: subscribers get GAP_REASON_UNRECOVERABLE. @default 120000 */
  maxGapWaitMs: number;
  /** Shorter wait once the origin said it no longer holds the missing digests. @default 5000 */
  gapEvidenceWaitMs: number;

  /** Max out-of-order digests held back per stream while a gap before them is repaired; at 50,000 digests/s 4096 lasted 80 ms, less than one repair exchange, so one lost datagram cascaded into dropping everything after it. @default 65536 */
  maxHoldbackDigests: number;
  /** Max bytes held back per stream. @default 16 MiB */
  maxHoldbackBytes: number;
  /** A digest more than this many type sequences ahead of a stream's head is refused (bogus jump). @default 1000000 */
  maxSequenceJump: number;
  /** A stream first seen after a subscription began starts at what the answering node stored since (the subscription's age + this) ago by its own clock: a grace for transit, never a clock comparison. @default 1000 */
  startGraceMs: number;
  /** A stream whose start could not be learned from its origin or peers in this long starts at what arrived. @default 15000 */
  maxSeekWaitMs: number;
  /** A subscription reaching into the past (earliest, resume) first asks at most this many live peers which streams of its types they hold. @default 32 */
  maxDiscoveryPeers: number;
  /** A type discovered this recently is not asked about again (later streams arrive by push and sync). @default 30000 */
  discoveryReuseMs: number;
  /** History this node does not hold is fetched for subscribers by at most this many requests in flight (each <= maxSyncDigests / maxSyncBytes, and <= the subscriber's free queue room). @default 4 */
  maxConcurrentBackfills: number;
  /** Max streams (origin x type) tracked. @default 65536 */
  maxStreams: number;

  /** Max payload bytes of one digest. @default 1 MiB */
  maxPayloadBytes: number;
  /** Max headers per digest. @default 32 */
  maxHeaders: number;
  /** Max bytes of all header keys + values of one digest. @default 4096 */
  maxHeaderBytes: number;
  /** Max bytes of a digest type name. @default 256 */
  maxTypeNameBytes: number;
  /** Max bytes of an origin (node) name on the wire. @default 256 */
  maxOriginBytes: number;
  /** Max types in one subscription. @default 64 */
  maxTypesPerSubscription: number;
  /** Max subscriptions on this bus (the gateway also limits per client). @default 1024 */
  maxSubscriptions: number;
  /** Max distinct types this node is interested in; bounded by the 1 KiB node state too (4 B each). @default 200 */
  maxInterestTypes: number;
  /** Default queue bound of a subscription. @default 10000 */
  defaultMaxQueued: number;
  /** Largest queue bound a subscription may ask for. @default 1000000 */
  maxQueuedLimit: number;
}

export const DEFAULT_BUS_CONFIG: BusConfig = {
  fanout: 3,
  lingerMs: 0,
  packetBudgetBytes: 0,
  maxPushStreamBytes: 4 * 1024 * 1024,
  maxOutboxDigests: 8192,
  antiEntropyIntervalMs: 300,
  repairTickMs: 50,
  requestTimeoutMs: 5000,
  maxSyncDigests: 4096,
  syncRecentGraceMs: 200,
  maxSyncBytes: 4 * 1024 * 1024,
  maxSyncHeads: 4096,
  maxConcurrentSyncs: 8,
  gapPullDelayMs: 20,
  gapRetryMs: 250,
  maxGapWaitMs: 120_000,
  gapEvidenceWaitMs: 5000,
  maxHoldbackDigests: 65_536,
  maxHoldbackBytes: 16 * 1024 * 1024,
  maxSequenceJump: 1_000_000,
  startGraceMs: 1000,
  maxSeekWaitMs: 15_000,
  maxDiscoveryPeers: 32,
  maxConcurrentBackfills: 4,
  discoveryReuseMs: 30_000,
  maxStreams: 65_536,
  maxPayloadBytes: 1024 * 1024,
  maxHeaders: 32,
  maxHeaderBytes: 4096,
  maxTypeNameBytes: 256,
  maxOriginBytes: 256,
  maxTypesPerSubscription: 64,
  maxSubscriptions: 1024,
  maxInterestTypes: 200,
  defaultMaxQueued: 10_000,
  maxQueuedLimit: 1_000_000,
};

export function busConfig(overrides: Partial<BusConfig> = {}): BusConfig {
  return { ...DEFAULT_BUS_CONFIG, ...overrides };
}

export type BusConfigError = { field: keyof BusConfig; problem: string };

/** Checks ranges; returns every problem found (empty = valid). */
export function validateBusConfig(c: BusConfig): BusConfigError[] {
  const errs: BusConfigError[] = [];
  for (const [k, v] of Object.entries(c) as Array<[keyof BusConfig, number]>) {
    const zeroOk =
      k === "lingerMs" || k === "packetBudgetBytes" || k === "startGraceMs" || k === "syncRecentGraceMs";
    if (!Number.isFinite(v) || v < 0 || (!zeroOk && v === 0)) {
      errs.push({ field: k, problem: zeroOk ? "must be >= 0" : "must be > 0" });
    }
  }
  if (c.packetBudgetBytes !== 0 && c.packetBudgetBytes < 256)
    errs.push({ field: "packetBudgetBytes", problem: "0 (derive) or >= 256" });
  if (c.defaultMaxQueued > c.maxQueuedLimit)
    errs.push({ field: "defaultMaxQueued", problem: "must be <= maxQueuedLimit" });
  return errs;
}

export {
  type Beacon,
  type BeaconDrop,
  type BeaconKeys,
  type DecodeBeaconResult,
  BEACON_VERSION,
  MAX_BEACON_BYTES,
  MAX_FIELD_BYTES,
  decodeBeacon,
  encodeBeacon,
} from "./beacon-codec.js";
export {
  type BeaconDecision,
  type BeaconLimits,
  type BeaconSelf,
  type ClusterView,
  type IgnoreReason,
  BeaconProtocol,
  DEFAULT_BEACON_LIMITS,
  isLoopback,
} from "./beacon-protocol.js";
export {
  type BeaconCluster,
  type BeaconDiscoveryDeps,
  type BeaconSocket,
  BeaconDiscovery,
} from "./beacon-discovery.js";
export { JoinGate } from "./join-gate.js";
export { openMulticastSocket, type MulticastSocketOptions } from "./multicast-socket.js";
export {
  type DnsClient,
  type ResolvedSeeds,
  type SeedResolveLimits,
  type SrvRecord,
  DEFAULT_SEED_RESOLVE_LIMITS,
  resolveSeeds,
} from "./seed-resolver.js";
export { dnsClient } from "./dns-client.js";
export {
  type PeerRecord,
  type PeerSnapshot,
  type PeerSnapshotLimits,
  DEFAULT_PEER_SNAPSHOT_LIMITS,
  PEER_SNAPSHOT_FILE,
  choosePeers,
  decodePeerSnapshot,
  encodePeerSnapshot,
} from "./peer-snapshot.js";
export { readPeerSnapshot, writePeerSnapshot } from "./peer-snapshot-file.js";
export { PeerSnapshotWriter, type PeerSnapshotWriterDeps } from "./peer-snapshot-writer.js";

/** One engine for replicated keyed state: push + summary + anti-entropy; users supply a Replica. */
export {
  DEFAULT_REPLICATOR_OPTIONS,
  Replicator,
  type Replica,
  type ReplicationLink,
  type ReplicatorDeps,
  type ReplicatorOptions,
} from "./replicator.js";
export {
  boundedList,
  decodeMessage,
  encodeMessage,
  type Decoded,
  type ItemCodec,
  type ReplicationMessage,
  type ReplicationWireLimits,
} from "./wire.js";

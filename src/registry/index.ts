export { type RegistryEntry, compareEntries } from "./entry.js";
export {
  Registry,
  DEFAULT_REGISTRY_LIMITS,
  type RegisterRequest,
  type RegisterResult,
  type RegistryLimits,
  type MergeOutcome,
} from "./registry.js";
export {
  RegistrySync,
  DEFAULT_SYNC_OPTIONS,
  REGISTRY_CHANNEL,
  type RegistrySyncOptions,
  type SyncLink,
} from "./sync.js";
export {
  encodeSync,
  decodeSync,
  DEFAULT_REGISTRY_WIRE_LIMITS,
  type SyncMessage,
  type RegistryWireLimits,
} from "./wire.js";

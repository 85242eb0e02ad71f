export { type HostPort, type ParseResult, parseHostPort, formatHostPort } from "./address.js";
export { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "./limits.js";
export {
  type AgentConfig,
  type AgentConfigInput,
  type Profile,
  type ClientToken,
  type TlsFiles,
  buildAgentConfig,
  DEFAULT_GRPC_ADDRESS,
  DEFAULT_BIND_ADDRESS,
} from "./agent-config.js";
export { readConfigFile, parseConfigText } from "./config-file.js";
export {
  type DiscoverMethod,
  type MulticastConfig,
  DEFAULT_MULTICAST,
  DEFAULT_MULTICAST_GROUP,
  MAX_MULTICAST_TTL,
  MIN_BEACON_INTERVAL_MS,
  MAX_BEACON_INTERVAL_MS,
} from "./discovery-config.js";
export { type SeedSpec, DEFAULT_SEED_PORT, SEED_SYNTAX, parseSeed, formatSeed } from "./seeds.js";

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

export { type HostPort, type ParseResult, parseHostPort, formatHostPort } from "./address.js";
export { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "./limits.js";
export {
  type AgentConfig,
  type AgentConfigInput,
  buildAgentConfig,
  DEFAULT_GRPC_ADDRESS,
} from "./agent-config.js";

/** What the core counts and logs through: small interfaces the host implements (the agent: JSON lines, counters). */
export { type Logger, jsonLogger, nullLogger } from "./logger.js";
export { MemoryMetrics, nullMetrics, RateLimitedLog, type Metrics } from "./metrics.js";

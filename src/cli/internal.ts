/**
 * CLI pieces for tests, benchmarks and tools. The CLI has no index.ts: its
 * public surface is the `hearsay` command (bin/hearsay.js -> main.ts), and no
 * src module imports it (test/house.test.ts checks).
 */
export { startAgent, StartupError } from "./agent.js";
export { discoveryFlags } from "./discovery-flags.js";
export { UsageError } from "./flags.js";
export { generateKey, parseKeyring, readKeyringFile } from "./keyring-file.js";
export { GATEWAY_NODE_FLAGS, missingNodeFlags } from "./node-flags.js";
export { planWatch, type WatchOpts } from "./watch-cmd.js";
export { Teardown } from "../node/index.js";

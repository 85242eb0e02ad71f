// What other modules may use (only cli, tests and tools: nothing in src/ below it imports a node).
/** One whole gateway node from injected transport, clock, Rng, store and keyring, with one close list. */
export {
  buildNode,
  type BuildOptions,
  type BusNode,
  type HearsayNode,
  type LayerDeps,
  type NodeConfig,
  type NodeDeps,
  type NodeHooks,
  type NodeLayers,
  type OverlayNode,
} from "./node.js";
export type { NodeCatalog } from "./service-catalog.js";
export { replicationLink } from "./replication-link.js";
export { NOTHING, Teardown, type Close } from "./teardown.js";

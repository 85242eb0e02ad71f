export { Catalog, type CatalogEvent, type CatalogEventKind, type ListFilter } from "./catalog.js";
export {
  DEFAULT_SERVICE_LIMITS,
  type RegisterInput,
  type ServiceInstance,
  type ServiceLimits,
  ServiceRefusal,
} from "./instance.js";
export { LocalServices } from "./local.js";
export { compareVersions, type Removal, type Snapshot } from "./snapshot.js";
export {
  type CatalogLink,
  CatalogSync,
  type CatalogSyncOptions,
  DEFAULT_CATALOG_SYNC_OPTIONS,
} from "./sync.js";
export { type CatalogMessage, decodeCatalog, DEFAULT_CATALOG_WIRE_LIMITS, encodeCatalog } from "./wire.js";

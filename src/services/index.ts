export { Catalog, type CatalogEvent, type CatalogEventKind, type ListFilter } from "./catalog.js";
export {
  DEFAULT_SERVICE_LIMITS,
  type RegisterInput,
  type ServiceInstance,
  type ServiceLimits,
} from "./instance.js";
export { LocalServices, type RegisterServiceResult } from "./local.js";
export { compareVersions, type Removal, type Snapshot } from "./snapshot.js";
export {
  type CatalogLink,
  CatalogSync,
  type CatalogSyncOptions,
  DEFAULT_CATALOG_SYNC_OPTIONS,
  SERVICES_CHANNEL,
} from "./sync.js";
export {
  catalogCodec,
  type CatalogMessage,
  type CatalogWireLimits,
  DEFAULT_CATALOG_WIRE_LIMITS,
  type VersionRow,
} from "./wire.js";

// What other modules may use. internal.ts re-exports internals for tests and tools only (test/house.test.ts).
export { GatewayApi, HEARSAY_VERSION, API_VERSION, PROTOCOL_VERSION } from "./api.js";
export type { NodeView, MemberView, MemberChange, MemberChangeType } from "./node-view.js";
export { startGrpcServer, type GrpcListener } from "./grpc-server.js";
export { startThriftServer, type ThriftListener } from "./thrift-server.js";
export { toThriftI64, fromThriftI64 } from "./thrift-i64.js";
export type { TypeRegistry } from "./digest-types.js";
export type { ServiceCatalog } from "./services.js";
export { Authorizer, bearerToken, type Caller, type TokenRule, type Action } from "./auth.js";
export type {
  DigestBus,
  BusDigest,
  BusGap,
  BusSubscription,
  CursorPos,
  SubscriptionItem,
} from "./digest-bus.js";
export {
  AdminApi,
  adminService,
  keyringResponse,
  parseKey,
  type KeyAdmin,
  type KeyOperation,
  type MemberKeys,
} from "./admin-service.js";
export { type TagAdmin, MAX_TAG_KEY_BYTES, MAX_TAG_VALUE_BYTES } from "./tag-editor.js";
export type { ExtraService } from "./grpc-server.js";

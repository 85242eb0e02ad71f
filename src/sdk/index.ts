// The published TypeScript client. internal.ts re-exports internals for its tests only (test/house.test.ts).
export {
  connect,
  HearsayClient,
  type ConnectOptions,
  type TlsOptions,
  type GatewayInfo,
  type RegisterOptions,
  type RegisteredType,
} from "./client.js";
export { type Codec, type BufCodec, type TsProtoMessageFns, tsProtoCodec, bufCodec } from "./codec.js";
export { type Cursor, type CursorPosition, cursorToJson, cursorFromJson } from "./cursor.js";
export { type Body, type JsonBody, type PublishOptions, type PublishResult } from "./digest.js";
export { Publisher, type PublisherOptions } from "./publisher.js";
export { type SourceFiles, type SourceFormat, type TypeSource, descriptorSet } from "./schema.js";
export {
  Subscription,
  type CaughtUp,
  type SubscribeOptions,
  type Delivery,
  type DigestDelivery,
  type GapDelivery,
  type GapRange,
  type GapReasonName,
} from "./subscription.js";
export { type Watch, type WatchMembersOptions } from "./members.js";
export { type SnapshotWatch, type MemberWatch, type ServiceWatch } from "./watch.js";
export { type ServiceSpec, type ServiceRegistration, type WatchServicesOptions } from "./services.js";
export { type ReconnectOptions, backoffDelayMs } from "./backoff.js";
export {
  HearsayError,
  Cancelled,
  InvalidArgument,
  DeadlineExceeded,
  NotFound,
  AlreadyExists,
  PermissionDenied,
  ResourceExhausted,
  FailedPrecondition,
  Unimplemented,
  Internal,
  Unavailable,
  Unauthenticated,
  errorFromCode,
  fromGrpcError,
  isRetryable,
} from "./errors.js";
export {
  type Member,
  MemberStatus,
  type MemberEvent,
  MemberEventKind,
  type DigestType,
  SchemaFormat,
  type Service,
  ServiceHealth,
  type ServiceEvent,
  ServiceEventKind,
  type SourceFile,
} from "../gen/proto/hearsay/v1/types.js";

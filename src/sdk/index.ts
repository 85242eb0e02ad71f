export { connect, HearsayClient, type ConnectOptions, type TlsOptions, type GatewayInfo } from "./client.js";
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
} from "./errors.js";
export { type Member, MemberStatus } from "../gen/proto/hearsay/v1/types.js";

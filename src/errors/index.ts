/** One error vocabulary: `Problem` results inside, one error class per code at the edge. */
export { atIndex, fail, OK, type Check, type Failure, type Problem, type ProblemCode } from "./problem.js";
export {
  AlreadyExists,
  asHearsayError,
  atItem,
  Cancelled,
  codeName,
  DeadlineExceeded,
  ErrorCode,
  errorFromCode,
  FailedPrecondition,
  fromProblem,
  HearsayError,
  Internal,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  Unauthenticated,
  Unavailable,
  Unimplemented,
  type ErrorDetails,
} from "./hearsay-error.js";
export { ConfigError, type ConfigProblem } from "./config-error.js";

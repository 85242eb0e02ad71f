/**
 * The SDK's errors are the shared class set of src/errors: one class per
 * shared error code (proto/hearsay/v1/errors.proto), each fixing its code,
 * `cause` holding what it came from (e.g. the grpc-js ServiceError).
 */
import { errorFromCode, HearsayError, Internal } from "../errors/index.js";

export {
  AlreadyExists,
  Cancelled,
  DeadlineExceeded,
  errorFromCode,
  FailedPrecondition,
  HearsayError,
  Internal,
  InvalidArgument,
  NotFound,
  PermissionDenied,
  ResourceExhausted,
  Unauthenticated,
  Unavailable,
  Unimplemented,
} from "../errors/index.js";

/** Maps a grpc-js ServiceError (or anything thrown by a call) to its HearsayError; the original is its `cause`. */
export function fromGrpcError(err: unknown): HearsayError {
  if (err instanceof HearsayError) return err;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof e?.code === "number") {
    const message = typeof e.details === "string" && e.details ? e.details : String(e.message);
    return errorFromCode(e.code, message, err);
  }
  return new Internal(err instanceof Error ? err.message : String(err), { cause: err });
}

/**
 * Whether a failed stream is worth reopening: the gateway went away or the
 * transport broke (UNAVAILABLE, CANCELLED by the server, DEADLINE_EXCEEDED,
 * INTERNAL/UNKNOWN from a broken HTTP/2 stream). Refusals of the request itself
 * (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, ...) are not. Judged on the
 * gRPC status the error came from when there is one (a code outside the
 * shared list, e.g. ABORTED, is reported as Internal but is not retried).
 */
export function isRetryable(err: HearsayError): boolean {
  return RETRYABLE.has(statusOf(err));
}

/** gRPC UNKNOWN (2) is what a broken HTTP/2 stream often ends with. */
const RETRYABLE = new Set([1, 2, 4, 13, 14]);

function statusOf(err: HearsayError): number {
  const cause = err.cause as { code?: unknown } | undefined;
  return typeof cause?.code === "number" && cause.code >= 0 && cause.code <= 16 ? cause.code : err.code;
}

/**
 * One error class per shared error code (proto/hearsay/v1/errors.proto). The
 * code numbers are gRPC status numbers, and the Thrift API raises the same
 * numbers, so every SDK reports a failure the same way.
 */
export class HearsayError extends Error {
  /** Stable code name, e.g. "NOT_FOUND". */
  readonly codeName: string;
  constructor(
    /** Shared error code number (equal to the gRPC status code). */
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
    this.codeName = CODE_NAMES[code] ?? `CODE_${code}`;
  }

  /**
   * Set on a batching publisher's rejection: true when this digest was published
   * anyway (it came before the refused one in its stream, so it has no id here),
   * false when it was not, undefined when unknown (the connection failed).
   */
  published?: boolean;
}

export class Cancelled extends HearsayError {}
export class InvalidArgument extends HearsayError {}
export class DeadlineExceeded extends HearsayError {}
export class NotFound extends HearsayError {}
export class AlreadyExists extends HearsayError {}
export class PermissionDenied extends HearsayError {}
export class ResourceExhausted extends HearsayError {}
export class FailedPrecondition extends HearsayError {}
export class Unimplemented extends HearsayError {}
export class Internal extends HearsayError {}
export class Unavailable extends HearsayError {}
export class Unauthenticated extends HearsayError {}

const CLASSES: Record<number, new (code: number, message: string) => HearsayError> = {
  1: Cancelled,
  3: InvalidArgument,
  4: DeadlineExceeded,
  5: NotFound,
  6: AlreadyExists,
  7: PermissionDenied,
  8: ResourceExhausted,
  9: FailedPrecondition,
  12: Unimplemented,
  13: Internal,
  14: Unavailable,
  16: Unauthenticated,
};

const CODE_NAMES: Record<number, string> = {
  1: "CANCELLED",
  3: "INVALID_ARGUMENT",
  4: "DEADLINE_EXCEEDED",
  5: "NOT_FOUND",
  6: "ALREADY_EXISTS",
  7: "PERMISSION_DENIED",
  8: "RESOURCE_EXHAUSTED",
  9: "FAILED_PRECONDITION",
  12: "UNIMPLEMENTED",
  13: "INTERNAL",
  14: "UNAVAILABLE",
  16: "UNAUTHENTICATED",
};

/** The error class for a code; codes outside the shared list become Internal. */
export function errorFromCode(code: number, message: string): HearsayError {
  const cls = CLASSES[code] ?? Internal;
  return new cls(code, message);
}

/** Maps a grpc-js ServiceError (or anything thrown by a call) to its HearsayError. */
export function fromGrpcError(err: unknown): HearsayError {
  if (err instanceof HearsayError) return err;
  const e = err as { code?: unknown; details?: unknown; message?: unknown };
  if (typeof e?.code === "number") {
    return errorFromCode(e.code, typeof e.details === "string" && e.details ? e.details : String(e.message));
  }
  return new Internal(13, err instanceof Error ? err.message : String(err));
}

/**
 * Whether a failed stream is worth reopening: the gateway went away or the
 * transport broke (UNAVAILABLE, CANCELLED by the server, DEADLINE_EXCEEDED,
 * INTERNAL/UNKNOWN from a broken HTTP/2 stream). Refusals of the request itself
 * (NOT_FOUND, PERMISSION_DENIED, INVALID_ARGUMENT, ...) are not.
 */
export function isRetryable(err: HearsayError): boolean {
  return RETRYABLE.has(err.code);
}

const RETRYABLE = new Set([1, 2, 4, 13, 14]);

import { ErrorCode } from "../gen/proto/hearsay/v1/errors.js";
import type { Problem } from "./problem.js";

export { ErrorCode };

/** Where an error lies and what caused it (`cause` is the standard Error cause). */
export interface ErrorDetails {
  /** The request field at fault, a dotted path (e.g. "digests[3].type"). */
  readonly field?: string;
  /** Position of the refused item in its batch (or stream). */
  readonly index?: number;
  /** What this error came from: a grpc-js ServiceError, a Thrift exception, a lower error. */
  readonly cause?: unknown;
}

/**
 * An error a client sees: one subclass per shared ErrorCode
 * (proto/hearsay/v1/errors.proto), each fixing its own code. The numbers are
 * gRPC status numbers and the Thrift API raises HearsayError with the same
 * number, so the gateway and every SDK name a failure the same way.
 */
export abstract class HearsayError extends Error {
  /** The class's code; each subclass sets it. */
  static readonly code: ErrorCode;
  /** Shared error code number (equal to the gRPC status code). */
  readonly code: ErrorCode;
  /** Stable code name, e.g. "NOT_FOUND". */
  readonly codeName: string;
  declare readonly field?: string;
  declare readonly index?: number;
  /**
   * Set on a batching publisher's rejection (SDK): true when this digest was
   * published anyway (it came before the refused one in its stream, so it has
   * no id here), false when it was not, undefined when unknown (the
   * connection failed).
   */
  declare published?: boolean;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = (new.target as unknown as { readonly code: ErrorCode }).code;
    this.codeName = codeName(this.code);
    if (details.field !== undefined) (this as { field?: string }).field = details.field;
    if (details.index !== undefined) (this as { index?: number }).index = details.index;
  }

  /** An error of this class about one request field: message "field: problem", `field` set. */
  static at<E extends HearsayError>(
    this: new (message: string, details?: ErrorDetails) => E,
    field: string,
    problem: string,
  ): E {
    return new this(`${field}: ${problem}`, { field });
  }
}

export class Cancelled extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_CANCELLED;
}
export class InvalidArgument extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
}
export class DeadlineExceeded extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_DEADLINE_EXCEEDED;
}
export class NotFound extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_NOT_FOUND;
}
export class AlreadyExists extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_ALREADY_EXISTS;
}
export class PermissionDenied extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_PERMISSION_DENIED;
}
export class ResourceExhausted extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED;
}
export class FailedPrecondition extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_FAILED_PRECONDITION;
}
export class Unimplemented extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_UNIMPLEMENTED;
}
export class Internal extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_INTERNAL;
}
export class Unavailable extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_UNAVAILABLE;
}
export class Unauthenticated extends HearsayError {
  static override readonly code = ErrorCode.ERROR_CODE_UNAUTHENTICATED;
}

type ErrorClass = (new (message: string, details?: ErrorDetails) => HearsayError) & {
  readonly code: ErrorCode;
};

const CLASSES = new Map<number, ErrorClass>(
  [
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
  ].map((c) => [c.code, c]),
);

/** Short stable name of a code, e.g. "NOT_FOUND"; "CODE_<n>" for a number outside the shared list. */
export function codeName(code: number): string {
  return (ErrorCode[code] as string | undefined)?.replace(/^ERROR_CODE_/, "") ?? `CODE_${code}`;
}

/** The error class of a code; codes outside the shared list (e.g. gRPC UNKNOWN) become Internal. */
export function errorFromCode(code: number, message: string, cause?: unknown): HearsayError {
  const cls = CLASSES.get(code) ?? Internal;
  return new cls(message, cause === undefined ? {} : { cause });
}

/** The client-visible error of an inside Problem: its class, "field: message", field and index kept. */
export function fromProblem(p: Problem, cause?: unknown): HearsayError {
  const cls = CLASSES.get(ErrorCode[`ERROR_CODE_${p.code}`]) ?? Internal;
  const message = p.field ? `${p.field}: ${p.message}` : p.message;
  return new cls(message, { field: p.field, index: p.index, cause });
}

/** The same error, placed at item `index` of a batch; anything else is returned unchanged. */
export function atItem(err: unknown, index: number): unknown {
  if (!(err instanceof HearsayError)) return err;
  const cls = CLASSES.get(err.code) ?? Internal;
  return new cls(err.message, { field: err.field, index, cause: err.cause });
}

/** Anything thrown that is not a HearsayError is a bug: report INTERNAL, keep the text and the cause. */
export function asHearsayError(err: unknown): HearsayError {
  if (err instanceof HearsayError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new Internal(`internal error: ${text}`, { cause: err });
}

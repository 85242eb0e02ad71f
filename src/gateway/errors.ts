import { ErrorCode } from "../gen/proto/hearsay/v1/errors.js";

export { ErrorCode };

/**
 * An error a client may see. `code` is one of the shared ErrorCodes, whose
 * numbers are the gRPC status codes; the Thrift API raises HearsayError with
 * the same number, so every SDK maps it to the same exception class.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  static invalidArgument(field: string, problem: string): ApiError {
    return new ApiError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `${field}: ${problem}`);
  }

  static resourceExhausted(what: string): ApiError {
    return new ApiError(ErrorCode.ERROR_CODE_RESOURCE_EXHAUSTED, what);
  }

  static notFound(what: string): ApiError {
    return new ApiError(ErrorCode.ERROR_CODE_NOT_FOUND, what);
  }
}

/** Anything thrown that is not an ApiError is a bug: report INTERNAL, keep the text. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new ApiError(ErrorCode.ERROR_CODE_INTERNAL, `internal error: ${text}`);
}

/** Short stable name of a code, e.g. "NOT_FOUND". */
export function codeName(code: ErrorCode): string {
  return ErrorCode[code]?.replace(/^ERROR_CODE_/, "") ?? `CODE_${code}`;
}

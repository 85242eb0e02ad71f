package dev.hearsay.client;

/**
 * The shared error codes of the Hearsay client API (proto/hearsay/v1/errors.proto).
 * Numbers are the gRPC status codes; the Thrift HearsayError carries the same number.
 */
public enum ErrorCode {
  /** A code this SDK does not know (a newer gateway, or a non-Hearsay status). */
  UNSPECIFIED(0),
  CANCELLED(1),
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  NOT_FOUND(5),
  ALREADY_EXISTS(6),
  PERMISSION_DENIED(7),
  RESOURCE_EXHAUSTED(8),
  FAILED_PRECONDITION(9),
  UNIMPLEMENTED(12),
  INTERNAL(13),
  UNAVAILABLE(14),
  UNAUTHENTICATED(16);

  private final int number;

  ErrorCode(int number) {
    this.number = number;
  }

  /** The gRPC status code number, equal to the Thrift ErrorCode value. */
  public int number() {
    return number;
  }

  /** The code with this number; UNSPECIFIED for numbers outside the shared list. */
  public static ErrorCode fromNumber(int number) {
    for (ErrorCode c : values()) {
      if (c.number == number) return c;
    }
    return UNSPECIFIED;
  }
}

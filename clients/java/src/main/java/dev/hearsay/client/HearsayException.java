package dev.hearsay.client;

import java.util.Optional;

/**
 * Base of every error the SDK raises for a failed call. Each shared {@link ErrorCode}
 * has its own subclass (e.g. {@link NotFoundException}); the same failure yields the
 * same subclass over gRPC and over Thrift. Unchecked, like grpc-java's StatusRuntimeException.
 */
public class HearsayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String gatewayMessage;
  private Boolean published;

  protected HearsayException(ErrorCode code, String gatewayMessage, Throwable cause) {
    super(code.name() + ": " + gatewayMessage, cause);
    this.code = code;
    this.gatewayMessage = gatewayMessage;
  }

  /** The shared error code. */
  public ErrorCode code() {
    return code;
  }

  /** The gateway's message as sent (or the client's, for errors raised before an answer). */
  public String gatewayMessage() {
    return gatewayMessage;
  }

  /**
   * Set on a batching publisher's failure: true when this digest was published anyway
   * (it came before the refused one in its stream, so it has no result here), false
   * when it was not; empty when unknown (the connection failed) or not a publisher failure.
   */
  public Optional<Boolean> published() {
    return Optional.ofNullable(published);
  }

  HearsayException withPublished(Boolean published) {
    this.published = published;
    return this;
  }

  /** The subclass for {@code code}; a plain HearsayException for UNSPECIFIED. */
  static HearsayException of(ErrorCode code, String message, Throwable cause) {
    return switch (code) {
      case CANCELLED -> new CancelledException(message, cause);
      case INVALID_ARGUMENT -> new InvalidArgumentException(message, cause);
      case DEADLINE_EXCEEDED -> new DeadlineExceededException(message, cause);
      case NOT_FOUND -> new NotFoundException(message, cause);
      case ALREADY_EXISTS -> new AlreadyExistsException(message, cause);
      case PERMISSION_DENIED -> new PermissionDeniedException(message, cause);
      case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(message, cause);
      case FAILED_PRECONDITION -> new FailedPreconditionException(message, cause);
      case UNIMPLEMENTED -> new UnimplementedException(message, cause);
      case INTERNAL -> new InternalException(message, cause);
      case UNAVAILABLE -> new UnavailableException(message, cause);
      case UNAUTHENTICATED -> new UnauthenticatedException(message, cause);
      case UNSPECIFIED -> new HearsayException(ErrorCode.UNSPECIFIED, message, cause);
    };
  }
}

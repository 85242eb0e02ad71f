package dev.hearsay.client;

/** The request is valid but the gateway's state refuses it, e.g. an incompatible schema change. */
public class FailedPreconditionException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public FailedPreconditionException(String message, Throwable cause) {
    super(ErrorCode.FAILED_PRECONDITION, message, cause);
  }

  public FailedPreconditionException(String message) {
    this(message, null);
  }
}

package dev.hearsay.client;

/** Missing or unknown token. */
public class UnauthenticatedException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message, Throwable cause) {
    super(ErrorCode.UNAUTHENTICATED, message, cause);
  }

  public UnauthenticatedException(String message) {
    this(message, null);
  }
}

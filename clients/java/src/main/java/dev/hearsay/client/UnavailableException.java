package dev.hearsay.client;

/** The gateway cannot be reached, is shutting down, or cannot reach the overlay; retry. */
public class UnavailableException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message, Throwable cause) {
    super(ErrorCode.UNAVAILABLE, message, cause);
  }

  public UnavailableException(String message) {
    this(message, null);
  }
}

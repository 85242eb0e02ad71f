package dev.hearsay.client;

/** A bug in the gateway (or a garbled answer); the message says what failed. */
public class InternalException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public InternalException(String message, Throwable cause) {
    super(ErrorCode.INTERNAL, message, cause);
  }

  public InternalException(String message) {
    this(message, null);
  }
}

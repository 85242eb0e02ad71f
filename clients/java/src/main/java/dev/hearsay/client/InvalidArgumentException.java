package dev.hearsay.client;

/** A field is missing or malformed; the message names the field. */
public class InvalidArgumentException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message, Throwable cause) {
    super(ErrorCode.INVALID_ARGUMENT, message, cause);
  }

  public InvalidArgumentException(String message) {
    this(message, null);
  }
}

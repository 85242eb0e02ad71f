package dev.hearsay.client;

/** Already registered with a different, conflicting definition. */
public class AlreadyExistsException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message, Throwable cause) {
    super(ErrorCode.ALREADY_EXISTS, message, cause);
  }

  public AlreadyExistsException(String message) {
    this(message, null);
  }
}

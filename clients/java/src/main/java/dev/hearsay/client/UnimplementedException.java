package dev.hearsay.client;

/** The gateway does not offer this operation (yet). */
public class UnimplementedException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public UnimplementedException(String message, Throwable cause) {
    super(ErrorCode.UNIMPLEMENTED, message, cause);
  }

  public UnimplementedException(String message) {
    this(message, null);
  }
}

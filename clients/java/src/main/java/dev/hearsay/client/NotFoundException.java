package dev.hearsay.client;

/** Unknown digest type, service instance, subscription or overlay. */
public class NotFoundException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message, Throwable cause) {
    super(ErrorCode.NOT_FOUND, message, cause);
  }

  public NotFoundException(String message) {
    this(message, null);
  }
}

package dev.hearsay.client;

/** The token may not publish / subscribe to this type. */
public class PermissionDeniedException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message, Throwable cause) {
    super(ErrorCode.PERMISSION_DENIED, message, cause);
  }

  public PermissionDeniedException(String message) {
    this(message, null);
  }
}

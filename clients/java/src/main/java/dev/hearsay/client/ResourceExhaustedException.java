package dev.hearsay.client;

/** Over a limit (size, count, rate, queue). */
public class ResourceExhaustedException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public ResourceExhaustedException(String message, Throwable cause) {
    super(ErrorCode.RESOURCE_EXHAUSTED, message, cause);
  }

  public ResourceExhaustedException(String message) {
    this(message, null);
  }
}

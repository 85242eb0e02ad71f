package dev.hearsay.client;

/** No answer within the call's deadline. */
public class DeadlineExceededException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public DeadlineExceededException(String message, Throwable cause) {
    super(ErrorCode.DEADLINE_EXCEEDED, message, cause);
  }

  public DeadlineExceededException(String message) {
    this(message, null);
  }
}

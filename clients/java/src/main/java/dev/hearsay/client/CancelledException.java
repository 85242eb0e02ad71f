package dev.hearsay.client;

/** The call was cancelled (by the client, or the gateway on its behalf). */
public class CancelledException extends HearsayException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message, Throwable cause) {
    super(ErrorCode.CANCELLED, message, cause);
  }

  public CancelledException(String message) {
    this(message, null);
  }
}

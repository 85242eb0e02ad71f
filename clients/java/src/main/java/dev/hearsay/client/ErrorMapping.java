package dev.hearsay.client;

import dev.hearsay.thrift.HearsayError;
import io.grpc.Status;
import java.net.SocketTimeoutException;
import org.apache.thrift.TApplicationException;
import org.apache.thrift.TException;
import org.apache.thrift.transport.TTransportException;

/**
 * Turns what each transport reports into the one exception per shared code. The gRPC
 * status number and the Thrift HearsayError.code are the same number, so both go
 * through {@link ErrorCode#fromNumber} and land on the same subclass.
 */
final class ErrorMapping {
  private ErrorMapping() {}

  /** A failed gRPC call (StatusRuntimeException, StatusException or anything wrapping one). */
  static HearsayException fromGrpc(Throwable t) {
    Status s = Status.fromThrowable(t);
    String message = s.getDescription() != null ? s.getDescription() : s.getCode().name();
    // Client-side failures (refused connection, TLS) hide their reason in the cause.
    if (s.getCause() != null && s.getCause().getMessage() != null) {
      message += ": " + s.getCause().getMessage();
    }
    ErrorCode code = ErrorCode.fromNumber(s.getCode().value());
    if (code == ErrorCode.UNSPECIFIED) {
      message = "gRPC status " + s.getCode() + ": " + message;
    }
    return HearsayException.of(code, message, t);
  }

  /** The gateway's HearsayError over Thrift. */
  static HearsayException fromThrift(HearsayError e) {
    // An ErrorCode value this generated enum does not know arrives as null.
    int number = e.getCode() == null ? 0 : e.getCode().getValue();
    String message = e.getMessage() == null ? "" : e.getMessage();
    return HearsayException.of(ErrorCode.fromNumber(number), message, e);
  }

  /** Any other Thrift failure: transport (no gateway / no answer) or protocol. */
  static HearsayException fromThriftFailure(TException e, String address, long timeoutMs) {
    if (e instanceof TTransportException) {
      if (e.getCause() instanceof SocketTimeoutException) {
        return new DeadlineExceededException(
            "no answer from gateway " + address + " (Thrift) within " + timeoutMs + " ms", e);
      }
      return new UnavailableException(
          "cannot reach gateway " + address + " (Thrift): " + describe(e), e);
    }
    if (e instanceof TApplicationException app && unknownMethod(app)) {
      return new UnimplementedException(describe(e), e);
    }
    return new InternalException("Thrift call failed: " + describe(e), e);
  }

  /**
   * Node's thrift library (the gateway's) writes the exception type from a field it never
   * sets, so UNKNOWN_METHOD arrives as UNKNOWN; its message names the case.
   */
  private static boolean unknownMethod(TApplicationException e) {
    return e.getType() == TApplicationException.UNKNOWN_METHOD
        || (e.getMessage() != null && e.getMessage().startsWith("Unknown function "));
  }

  private static String describe(Throwable t) {
    if (t.getMessage() != null) return t.getMessage();
    if (t.getCause() != null && t.getCause().getMessage() != null) return t.getCause().getMessage();
    return t.getClass().getSimpleName();
  }
}

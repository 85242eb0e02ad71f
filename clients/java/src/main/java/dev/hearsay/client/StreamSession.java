package dev.hearsay.client;

/** One open server stream (a gRPC call, or a Thrift subscribe + polls). */
interface StreamSession<R> {
  /** Blocks for the next item; null when the gateway ended the stream cleanly. Failures are HearsayExceptions. */
  R next();

  /** From any thread: ends the session; a blocked {@link #next()} then throws. Idempotent. */
  void cancel();
}

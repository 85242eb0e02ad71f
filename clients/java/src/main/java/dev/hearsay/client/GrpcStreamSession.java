package dev.hearsay.client;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.function.Supplier;

/**
 * A gRPC server stream read through the blocking iterator, which asks the gateway for
 * one message at a time (HTTP/2 flow control = backpressure). Cancelled through its
 * own cancellable context.
 */
final class GrpcStreamSession<R> implements StreamSession<R> {
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final Iterator<R> it;

  GrpcStreamSession(Supplier<Iterator<R>> open) {
    Context previous = context.attach();
    try {
      it = open.get();
    } catch (StatusRuntimeException e) {
      context.cancel(null);
      throw ErrorMapping.fromGrpc(e);
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public R next() {
    try {
      return it.hasNext() ? it.next() : null;
    } catch (StatusRuntimeException e) {
      throw ErrorMapping.fromGrpc(e);
    }
  }

  @Override
  public void cancel() {
    context.cancel(null);
  }
}

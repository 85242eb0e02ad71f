package dev.hearsay.client;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.IntFunction;

/** A running member or service watch; close it to end it (the listener gets onEnd(null)). */
public final class Watch implements AutoCloseable {
  private final ResilientStream<?> stream;
  private final ClientContext ctx;

  private Watch(ResilientStream<?> stream, ClientContext ctx) {
    this.stream = stream;
    this.ctx = ctx;
  }

  /**
   * Starts a watch: {@code open} gets 0 for the first open and the reopen count after,
   * {@code convert} turns gateway events into the listener's.
   */
  static <R, E> Watch start(
      ClientContext ctx, String name, IntFunction<StreamSession<R>> open, Function<R, E> convert,
      WatchOptions opts, StreamListener<E> listener) {
    Args.notNull(listener, "listener");
    Args.notNull(opts, "options");
    ctx.ensureOpen();
    Watch[] self = new Watch[1];
    int[] opened = {0};
    ResilientStream<R> stream =
        new ResilientStream<>(
            name,
            new ResilientStream.Spec<>() {
              @Override
              public StreamSession<R> open() {
                ctx.ensureOpen();
                return open.apply(opened[0]++);
              }

              @Override
              public void handle(R item) {
                if (!self[0].stream.isClosed()) listener.onNext(convert.apply(item));
              }

              @Override
              public void end(Throwable error) {
                try {
                  listener.onEnd(error);
                } finally {
                  ctx.unregister(self[0]);
                }
              }
            },
            opts.reconnect(),
            opts.onRetry(),
            0, // the gateway sends no keep-alives on watches; gRPC pings / Thrift poll timeouts find dead connections
            ctx.timer);
    self[0] = new Watch(stream, ctx);
    ctx.register(self[0]);
    stream.start();
    return self[0];
  }

  public boolean isOpen() {
    return !stream.isClosed();
  }

  /** Waits until the watch has ended (its listener got onEnd). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return stream.await(Args.notNull(timeout, "timeout").toMillis());
  }

  @Override
  public void close() {
    stream.close();
    ctx.unregister(this);
  }
}

package dev.hearsay.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A running member or service watch; close it to end it (the listener gets onEnd(null)).
 * Its listener is handed CURRENT events first (with {@link WatchOptions#includeCurrent}),
 * then one SNAPSHOT_END, then live changes; {@link #snapshot()} completes with the set the
 * CURRENT events describe once the listener has been handed the SNAPSHOT_END.
 *
 * @param <S> what the set holds: {@link Member} or {@link ServiceInstance}
 */
public final class Watch<S> implements AutoCloseable {
  private final ResilientStream<?> stream;
  private final ClientContext ctx;
  private final CompletableFuture<List<S>> snapshot = new CompletableFuture<>();

  private Watch(ResilientStream<?> stream, ClientContext ctx) {
    this.stream = stream;
    this.ctx = ctx;
  }

  /**
   * Starts a watch: {@code open} gets 0 for the first open and the reopen count after,
   * {@code convert} turns gateway events into the listener's, {@code rules} fold them into
   * the snapshot.
   */
  static <R, E, S> Watch<S> start(
      ClientContext ctx, String name, IntFunction<StreamSession<R>> open, Function<R, E> convert,
      SnapshotFold.Rules<E, S> rules, WatchOptions opts, StreamListener<E> listener) {
    Args.notNull(listener, "listener");
    Args.notNull(opts, "options");
    ctx.ensureOpen();
    @SuppressWarnings("unchecked")
    Watch<S>[] self = new Watch[1];
    int[] opened = {0};
    SnapshotFold<E, S> fold = new SnapshotFold<>(rules);
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
                if (self[0].stream.isClosed()) return;
                E e = convert.apply(item);
                List<S> done = fold.add(e);
                listener.onNext(e);
                if (done != null) self[0].snapshot.complete(done);
              }

              @Override
              public void end(Throwable error) {
                try {
                  listener.onEnd(error);
                } finally {
                  ctx.unregister(self[0]);
                  self[0].snapshot.completeExceptionally(
                      error != null ? error : new CancelledException("watch ended before its snapshot end"));
                }
              }
            },
            opts.reconnect(),
            opts.onRetry(),
            0, // the gateway sends no keep-alives on watches; gRPC pings / Thrift poll timeouts find dead connections
            ctx.timer);
    self[0] = new Watch<>(stream, ctx);
    ctx.register(self[0]);
    stream.start();
    return self[0];
  }

  /**
   * Completes with the members / instances known when the watch began (its CURRENT
   * events; empty when there were none, or without includeCurrent) once the listener has
   * been handed the gateway's SNAPSHOT_END: the listener then holds the whole set.
   * Completes exceptionally if the watch ends first. Only the first stream's snapshot;
   * after a reconnect the listener gets CURRENT events and a SNAPSHOT_END again.
   */
  public CompletableFuture<List<S>> snapshot() {
    return snapshot;
  }

  /**
   * Waits for {@link #snapshot()}.
   *
   * @throws DeadlineExceededException when {@code timeout} passed first
   * @throws HearsayException what ended the watch first ({@link CancelledException} after
   *     close())
   */
  public List<S> awaitSnapshot(Duration timeout) throws InterruptedException {
    Args.notNegative(timeout, "timeout");
    try {
      return snapshot.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new DeadlineExceededException("watch: no snapshot end within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HearsayException h) throw h;
      throw new InternalException("watch: " + e.getCause(), e.getCause());
    }
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

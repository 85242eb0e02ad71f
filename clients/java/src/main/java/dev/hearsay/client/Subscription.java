package dev.hearsay.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A live subscription. It reconnects by itself, resuming from the last position
 * received and dropping anything at or before it, so a reconnect neither loses nor
 * repeats digests. It starts with a backlog (the retained history its start position or
 * resume cursor asks for) and then goes live; {@link #isCaughtUp()} and
 * {@link #awaitCaughtUp} tell when the consumer is past the backlog. Close it to end it;
 * closing the client closes it too.
 *
 * @param <T> the decoded message type
 */
public class Subscription<T> implements AutoCloseable {
  private final ResilientStream<?> stream;
  private final SubscriptionCore<T> core;
  private final Runnable onClose;
  private volatile Cursor handedOver;
  private final CompletableFuture<CaughtUpDelivery<T>> caughtUp = new CompletableFuture<>();
  private final Object caughtUpLock = new Object();
  /** Deliveries handed to the consumer (guarded by caughtUpLock). */
  private long handed;
  /** Deliveries queued before the backlog's end; -1 until the marker arrived (guarded). */
  private long backlogEndsAt = -1;
  private CaughtUpDelivery<T> marker;

  Subscription(SubscriptionCore<T> core, ResilientStream<?> stream, Runnable onClose, Cursor start) {
    this.core = core;
    this.stream = stream;
    this.onClose = onClose;
    this.handedOver = start;
  }

  /** Completes with the gateway's subscription id once the first stream has started. */
  public CompletableFuture<String> started() {
    return core.started;
  }

  /** The cursor after the last delivery handed to the consumer. */
  public Cursor cursor() {
    return handedOver;
  }

  void handedOver(Delivery<T> d) {
    handedOver = d.cursor();
    CaughtUpDelivery<T> done;
    synchronized (caughtUpLock) {
      handed++;
      done = marker != null && handed >= backlogEndsAt ? marker : null;
    }
    if (done != null) caughtUp.complete(done);
  }

  /**
   * The reader met the caught-up marker after queueing {@code queuedBefore} deliveries:
   * the subscription is caught up once the consumer has been handed that many.
   */
  void backlogEnds(CaughtUpDelivery<T> m, long queuedBefore) {
    boolean done;
    synchronized (caughtUpLock) {
      if (marker != null) return;
      marker = m;
      backlogEndsAt = queuedBefore;
      done = handed >= backlogEndsAt;
    }
    if (done) caughtUp.complete(m);
  }

  /** The subscription ended; if the marker never came it will not be caught up. */
  void ended(Throwable error) {
    synchronized (caughtUpLock) {
      if (marker != null) return;
    }
    caughtUp.completeExceptionally(
        error != null ? error : new CancelledException("subscription ended before it caught up"));
  }

  /**
   * Completes with the caught-up marker once the consumer has been handed the whole
   * backlog (everything the gateway delivered before the marker): what follows is live.
   * Completes exceptionally if the subscription ends before that. The marker is reported
   * once, for the first stream; a reconnect does not reset it.
   */
  public CompletableFuture<CaughtUpDelivery<T>> caughtUp() {
    return caughtUp;
  }

  /** True once the consumer has been handed the whole backlog (see {@link #caughtUp()}). */
  public boolean isCaughtUp() {
    return caughtUp.isDone() && !caughtUp.isCompletedExceptionally();
  }

  /**
   * Waits until the subscription is caught up (see {@link #caughtUp()}): true when it
   * is, false when {@code timeout} passed first or the subscription ended before. For an
   * iterator, the backlog is handed over as it is read: wait from another thread, or
   * read until {@link #isCaughtUp()} (or a {@link CaughtUpDelivery} with
   * {@link SubscriptionRequest#includeCaughtUp(boolean)}).
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    Args.notNegative(timeout, "timeout");
    try {
      caughtUp.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  /** False once closed or ended by an error. */
  public boolean isOpen() {
    return !stream.isClosed();
  }

  /** Waits until the subscription has ended (its listener got onEnd). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return stream.await(Args.notNull(timeout, "timeout").toMillis());
  }

  /** Ends the subscription; idempotent. A listener gets onEnd(null). */
  @Override
  public void close() {
    stream.close();
    onClose.run();
  }
}

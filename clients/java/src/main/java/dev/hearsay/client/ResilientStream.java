package dev.hearsay.client;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server stream that survives reconnects, read by its own thread: sessions are
 * reopened with jittered exponential backoff on retryable failures (UNAVAILABLE,
 * CANCELLED by the gateway, DEADLINE_EXCEEDED, INTERNAL), and when nothing arrived for
 * {@code idleTimeoutMs} while waiting. Items go to the spec's handler on this thread,
 * so a slow consumer stops the reading (backpressure). close() ends it from any thread.
 */
final class ResilientStream<R> {
  /** What one kind of stream needs: how to open it, what to do with items, how it ends. */
  interface Spec<R> {
    StreamSession<R> open();

    /** Hands one item on; may block. Anything it throws ends the stream with that error. */
    void handle(R item);

    /** Called once, on the stream's thread: null after close(), else the error that ended it. */
    void end(Throwable error);
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Spec<R> spec;
  private final Reconnect reconnect;
  private final RetryListener onRetry;
  private final long idleTimeoutMs;
  private final ScheduledExecutorService timer;
  private final Thread thread;
  private final CountDownLatch closedLatch = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile StreamSession<R> session;
  private volatile long waitingSinceNanos;
  private volatile boolean idleFired;
  /** Some session delivered something: the request itself is fine. */
  private boolean everHealthy;

  ResilientStream(
      String name, Spec<R> spec, Reconnect reconnect, RetryListener onRetry, long idleTimeoutMs,
      ScheduledExecutorService timer) {
    this.spec = spec;
    this.reconnect = reconnect;
    this.onRetry = onRetry;
    this.idleTimeoutMs = idleTimeoutMs;
    this.timer = timer;
    this.thread = new Thread(this::run, "hearsay-" + name + "-" + THREADS.incrementAndGet());
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Ends the stream; the handler gets nothing more and end(null) follows. Idempotent. */
  void close() {
    if (closed) return;
    closed = true;
    closedLatch.countDown();
    StreamSession<R> s = session;
    if (s != null) s.cancel();
  }

  boolean isClosed() {
    return closed;
  }

  /** Waits for the stream's thread to finish (after close() or a final error). */
  boolean await(long timeoutMs) throws InterruptedException {
    return done.await(timeoutMs, TimeUnit.MILLISECONDS);
  }

  static boolean retryable(HearsayException e) {
    return switch (e.code()) {
      case CANCELLED, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, UNSPECIFIED -> true;
      default -> false;
    };
  }

  /**
   * NOT_FOUND when reopening a stream that worked: a restarted gateway that has not yet
   * re-learnt the type registry from its peers (or its data dir). Retried like UNAVAILABLE.
   */
  private boolean relearning(HearsayException e) {
    return everHealthy && e.code() == ErrorCode.NOT_FOUND;
  }

  private record Outcome(HearsayException error, boolean healthy, Throwable fatal) {}

  private void run() {
    Throwable endError = null;
    ScheduledFuture<?> watchdog = null;
    if (idleTimeoutMs > 0) {
      long period = Math.max(50, Math.min(1_000, idleTimeoutMs / 4));
      watchdog = timer.scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.MILLISECONDS);
    }
    try {
      int attempt = 0;
      while (!closed) {
        Outcome o = runOnce();
        if (closed) break;
        if (o.fatal != null) {
          endError = o.fatal;
          break;
        }
        if (o.healthy) attempt = 0;
        everHealthy |= o.healthy;
        HearsayException err = o.error;
        if (!reconnect.enabled() || (err != null && !retryable(err) && !relearning(err))) {
          endError = err;
          break;
        }
        if (err == null) err = new UnavailableException("the gateway ended the stream");
        long delay = reconnect.delayMs(attempt++);
        try {
          onRetry.onRetry(err, attempt, delay);
        } catch (RuntimeException e) {
          endError = e;
          break;
        }
        try {
          closedLatch.await(delay, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      if (watchdog != null) watchdog.cancel(false);
      try {
        spec.end(closed ? null : endError);
      } finally {
        closed = true;
        closedLatch.countDown();
        done.countDown();
      }
    }
  }

  private Outcome runOnce() {
    StreamSession<R> s;
    idleFired = false;
    try {
      s = spec.open();
    } catch (HearsayException e) {
      return new Outcome(e, false, null);
    } catch (RuntimeException e) {
      return new Outcome(null, false, e);
    }
    session = s;
    if (closed) s.cancel();
    boolean healthy = false;
    try {
      while (!closed) {
        waitingSinceNanos = System.nanoTime();
        R item;
        try {
          item = s.next();
        } finally {
          waitingSinceNanos = 0;
        }
        if (item == null) return new Outcome(null, healthy, null);
        healthy = true;
        try {
          spec.handle(item);
        } catch (RuntimeException | Error e) {
          return new Outcome(null, healthy, e);
        }
      }
      return new Outcome(null, healthy, null);
    } catch (HearsayException e) {
      if (idleFired) {
        e = new UnavailableException("no message from the gateway for " + idleTimeoutMs + " ms", e);
      }
      return new Outcome(e, healthy, null);
    } finally {
      session = null;
      s.cancel();
    }
  }

  private void checkIdle() {
    long since = waitingSinceNanos;
    if (since == 0 || closed) return;
    if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs)) {
      StreamSession<R> s = session;
      if (s != null) {
        idleFired = true;
        s.cancel();
      }
    }
  }
}

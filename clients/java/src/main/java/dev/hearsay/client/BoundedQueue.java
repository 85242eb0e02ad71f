package dev.hearsay.client;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hand-over between a stream's reader thread and a pulling consumer: put() blocks
 * while {@code limit} items wait (so the reader stops reading: backpressure), the
 * producer ends it with end(error), the consumer gives up with close().
 */
final class BoundedQueue<E> {
  /** What take() reports once the queue is drained and ended. */
  static final Object END = new Object();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<E> items = new ArrayDeque<>();
  private final int limit;
  private boolean ended;
  private boolean closed;
  private Throwable error;

  BoundedQueue(int limit) {
    this.limit = limit;
  }

  /** Blocks while full; drops the item once the consumer has closed. */
  void put(E e) {
    lock.lock();
    try {
      while (items.size() >= limit && !closed) notFull.awaitUninterruptibly();
      if (closed) return;
      items.add(e);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** No more items; {@code err} (nullable) is thrown by take() after the queued ones. */
  void end(Throwable err) {
    lock.lock();
    try {
      if (ended) return;
      ended = true;
      error = err;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The consumer is gone: queued items are dropped, a blocked put() returns. */
  void close() {
    lock.lock();
    try {
      closed = true;
      items.clear();
      notFull.signalAll();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next item; null on timeout; {@link #END} once closed or ended and drained
   * (the end error, if any, is thrown instead). {@code timeoutNanos} < 0 waits forever.
   */
  Object take(long timeoutNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = timeoutNanos;
      while (items.isEmpty() && !ended && !closed) {
        if (timeoutNanos < 0) notEmpty.await();
        else {
          if (left <= 0) return null;
          left = notEmpty.awaitNanos(left);
        }
      }
      if (!items.isEmpty() && !closed) {
        E e = items.poll();
        notFull.signal();
        return e;
      }
      if (error != null && !closed) {
        Throwable t = error;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error er) throw er;
        throw new IllegalStateException(t);
      }
      return END;
    } finally {
      lock.unlock();
    }
  }
}

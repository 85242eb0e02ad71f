package dev.hearsay.client;

import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Demand bookkeeping between a Flow.Subscriber and the subscription's reader thread. */
final class FlowSubscription<T> implements Flow.Subscription {
  private final Flow.Subscriber<? super Delivery<T>> subscriber;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition demanded = lock.newCondition();
  private long demand;
  private boolean cancelled;
  private boolean ended;
  private Throwable badRequest;
  private Subscription<T> sub;

  FlowSubscription(Flow.Subscriber<? super Delivery<T>> subscriber) {
    this.subscriber = subscriber;
  }

  void bind(Subscription<T> sub) {
    this.sub = sub;
  }

  @Override
  public void request(long n) {
    lock.lock();
    try {
      if (cancelled) return;
      if (n <= 0) {
        // Reactive Streams rule 3.9: signal onError(IllegalArgumentException) and stop.
        badRequest = new IllegalArgumentException("request: n must be positive, got " + n);
        cancelled = true;
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      demanded.signalAll();
    } finally {
      lock.unlock();
    }
    if (badRequest != null && sub != null) sub.close();
  }

  @Override
  public void cancel() {
    lock.lock();
    try {
      cancelled = true;
      demanded.signalAll();
    } finally {
      lock.unlock();
    }
    if (sub != null) sub.close();
  }

  /** Blocks the reader until the subscriber wants one more; false once cancelled. */
  boolean awaitDemand() {
    lock.lock();
    try {
      while (demand == 0 && !cancelled) demanded.awaitUninterruptibly();
      if (cancelled) return false;
      if (demand != Long.MAX_VALUE) demand--;
      return true;
    } finally {
      lock.unlock();
    }
  }

  void end(Throwable error) {
    Throwable signal;
    lock.lock();
    try {
      if (ended) return;
      ended = true;
      signal = badRequest != null ? badRequest : error;
      if (cancelled && badRequest == null) return; // a cancelled subscriber gets no more signals
    } finally {
      lock.unlock();
    }
    if (signal != null) subscriber.onError(signal);
    else subscriber.onComplete();
  }
}

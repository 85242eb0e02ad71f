package dev.hearsay.client;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A subscription read by pulling: {@code hasNext()} blocks until a delivery arrives or
 * the subscription ends (a failure it will not retry is thrown from there). Up to
 * maxQueued deliveries are buffered; beyond that the SDK stops reading. Use it with
 * try-with-resources.
 *
 * @param <T> the decoded message type
 */
public final class SubscriptionIterator<T> extends Subscription<T> implements Iterator<Delivery<T>> {
  private final BoundedQueue<Delivery<T>> queue;
  private Delivery<T> next;
  private boolean finished;

  SubscriptionIterator(
      SubscriptionCore<T> core, ResilientStream<?> stream, Runnable onClose, Cursor start, BoundedQueue<Delivery<T>> queue) {
    super(core, stream, onClose, start);
    this.queue = queue;
  }

  /** Blocks until a delivery is ready (true) or the subscription is over (false). */
  @Override
  public boolean hasNext() {
    try {
      return fetch(-1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while waiting for a delivery", e);
    }
  }

  @Override
  public Delivery<T> next() {
    if (!hasNext()) throw new NoSuchElementException("the subscription is over");
    return take();
  }

  /** The next delivery, or null when none arrived within {@code timeout} or the subscription is over. */
  public Delivery<T> poll(Duration timeout) throws InterruptedException {
    Args.notNegative(timeout, "timeout");
    return fetch(timeout.toNanos()) ? take() : null;
  }

  private Delivery<T> take() {
    Delivery<T> d = next;
    next = null;
    handedOver(d);
    return d;
  }

  @SuppressWarnings("unchecked")
  private boolean fetch(long timeoutNanos) throws InterruptedException {
    if (next != null) return true;
    if (finished) return false;
    Object o = queue.take(timeoutNanos);
    if (o == null) return false;
    if (o == BoundedQueue.END) {
      finished = true;
      return false;
    }
    next = (Delivery<T>) o;
    return true;
  }

  @Override
  public void close() {
    queue.close();
    super.close();
  }
}

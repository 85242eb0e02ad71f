package dev.hearsay.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A listener that keeps what it gets, for tests to wait on. */
final class Collector<E> implements StreamListener<E> {
  private final List<E> items = new ArrayList<>();
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();

  @Override
  public synchronized void onNext(E item) {
    items.add(item);
    notifyAll();
  }

  @Override
  public void onEnd(Throwable error) {
    ended.complete(error);
  }

  synchronized List<E> items() {
    return new ArrayList<>(items);
  }

  /** Waits until at least {@code n} items arrived; fails after {@code timeout} naming what came. */
  synchronized List<E> await(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (items.size() < n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("got " + items.size() + " of " + n + " items: " + tail());
      wait(Math.max(1, left / 1_000_000));
    }
    return new ArrayList<>(items);
  }

  /** Waits until an item matches. */
  synchronized E awaitMatch(java.util.function.Predicate<E> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      for (E e : items) if (p.test(e)) return e;
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new AssertionError("no matching item among " + items.size() + ": " + tail());
      wait(Math.max(1, left / 1_000_000));
    }
  }

  private String tail() {
    return items.subList(Math.max(0, items.size() - 5), items.size()).toString();
  }

  static <T> List<DigestDelivery<T>> digests(List<Delivery<T>> ds) {
    List<DigestDelivery<T>> out = new ArrayList<>();
    for (Delivery<T> d : ds) if (d instanceof DigestDelivery<T> dd) out.add(dd);
    return out;
  }
}

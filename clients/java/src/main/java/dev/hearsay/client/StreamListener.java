package dev.hearsay.client;

/**
 * Receives a stream's items (deliveries, member or service events) one at a time, in
 * order, on the stream's own thread. A slow listener slows the stream down
 * (backpressure to the gateway); it does not make it buffer without bound.
 *
 * @param <E> the item type
 */
@FunctionalInterface
public interface StreamListener<E> {
  void onNext(E item);

  /**
   * Called once when the stream is over: {@code error} is null after close(), else what
   * ended it (a {@link HearsayException} the stream will not retry, or what onNext threw).
   */
  default void onEnd(Throwable error) {}
}

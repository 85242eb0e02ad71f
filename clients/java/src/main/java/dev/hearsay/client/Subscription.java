package dev.hearsay.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A live subscription. It reconnects by itself, resuming from the last position
 * received and dropping anything at or before it, so a reconnect neither loses nor
 * repeats digests. Close it to end it; closing the client closes it too.
 *
 * @param <T> the decoded message type
 */
public class Subscription<T> implements AutoCloseable {
  private final ResilientStream<?> stream;
  private final SubscriptionCore<T> core;
  private final Runnable onClose;
  private volatile Cursor handedOver;

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

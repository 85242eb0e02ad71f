package dev.hearsay.bench;

import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.PublishResult;
import dev.hearsay.client.Publisher;
import dev.hearsay.client.PublisherOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Publishes through the SDK, at most {@code inFlight} unacknowledged digests at a time. */
final class Sender implements AutoCloseable {
  private final HearsayClient client;
  private final Publisher publisher; // null = unary publishAsync
  private final Blob codec;
  private final Semaphore permits;
  final AtomicLong failed = new AtomicLong();
  final AtomicLong acked = new AtomicLong();
  volatile long lastAckNanos;

  private Sender(HearsayClient client, Publisher publisher, Blob codec, int inFlight) {
    this.client = client;
    this.publisher = publisher;
    this.codec = codec;
    this.permits = new Semaphore(inFlight);
  }

  /** The batching publisher (PublishStream over gRPC, publishBatch over Thrift). */
  static Sender batching(HearsayClient client, Blob codec, int maxBatch, Duration linger) {
    Publisher p = client.publisher(PublisherOptions.DEFAULTS.maxBatch(maxBatch).linger(linger).maxPending(65_536));
    return new Sender(client, p, codec, 32_768);
  }

  /** Unary Publish calls, {@code inFlight} at a time. */
  static Sender unary(HearsayClient client, Blob codec, int inFlight) {
    return new Sender(client, null, codec, inFlight);
  }

  /** Sends one digest; false when no permit freed up within 30 s. */
  boolean send(String run) throws InterruptedException {
    if (!permits.tryAcquire(30, TimeUnit.SECONDS)) return false;
    Blob.Msg m = new Blob.Msg(run, Blob.nowUs(), 0);
    CompletableFuture<PublishResult> f = publisher != null ? publisher.publish(codec, m) : client.publishAsync(codec, m);
    f.whenComplete((r, e) -> {
      if (e != null) failed.incrementAndGet();
      else {
        acked.incrementAndGet();
        lastAckNanos = System.nanoTime();
      }
      permits.release();
    });
    return true;
  }

  /** Publishes answered so far, acknowledged or failed. */
  long completed() {
    return acked.get() + failed.get();
  }

  @Override
  public void close() {
    if (publisher != null) publisher.close();
  }
}

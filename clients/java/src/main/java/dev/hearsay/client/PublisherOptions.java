package dev.hearsay.client;

import java.time.Duration;

/**
 * Tuning of a batching {@link Publisher}.
 *
 * @param maxBatch most digests per batch (the gateway allows Info.limits.maxBatchDigests) @default 1024
 * @param linger how long a partial batch waits for more digests before it is sent @default 5 ms
 * @param maxPending digests queued or awaiting acknowledgement; publish() beyond it fails
 *     with ResourceExhaustedException @default 65536
 * @param maxStreamDigests digests sent on one gRPC PublishStream before it is ended to
 *     collect their acknowledgements; 0 = 16 x maxBatch. Thrift sends one batch per call. @default 0
 */
public record PublisherOptions(int maxBatch, Duration linger, int maxPending, int maxStreamDigests) {
  public static final PublisherOptions DEFAULTS = new PublisherOptions(1024, Duration.ofMillis(5), 65_536, 0);

  public PublisherOptions {
    Args.positive(maxBatch, "maxBatch");
    Args.notNegative(linger, "linger");
    Args.positive(maxPending, "maxPending");
    if (maxStreamDigests < 0) throw new IllegalArgumentException("maxStreamDigests: must be >= 0, got " + maxStreamDigests);
  }

  public PublisherOptions maxBatch(int maxBatch) {
    return new PublisherOptions(maxBatch, linger, maxPending, maxStreamDigests);
  }

  public PublisherOptions linger(Duration linger) {
    return new PublisherOptions(maxBatch, linger, maxPending, maxStreamDigests);
  }

  public PublisherOptions maxPending(int maxPending) {
    return new PublisherOptions(maxBatch, linger, maxPending, maxStreamDigests);
  }

  public PublisherOptions maxStreamDigests(int maxStreamDigests) {
    return new PublisherOptions(maxBatch, linger, maxPending, maxStreamDigests);
  }
}

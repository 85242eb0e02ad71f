package dev.hearsay.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect timing of streams (subscriptions, watches): after the n-th consecutive
 * failure (n from 0) wait d = min(maxDelay, initialDelay x 2^n), drawn uniformly from
 * [d/2, d] so clients cut off together do not come back together.
 *
 * @param enabled false = a stream ends on its first failure
 * @param initialDelay first delay @default 100 ms
 * @param maxDelay delays double up to this @default 5 s
 */
public record Reconnect(boolean enabled, Duration initialDelay, Duration maxDelay) {
  /** 100 ms doubling to 5 s, jittered. */
  public static final Reconnect DEFAULT = new Reconnect(true, Duration.ofMillis(100), Duration.ofSeconds(5));
  /** End the stream on the first failure, throwing (or reporting) it. */
  public static final Reconnect NEVER = new Reconnect(false, Duration.ofMillis(100), Duration.ofSeconds(5));

  public Reconnect {
    Args.positive(initialDelay, "initialDelay");
    Args.positive(maxDelay, "maxDelay");
    if (maxDelay.compareTo(initialDelay) < 0) throw new IllegalArgumentException("maxDelay: must be >= initialDelay");
  }

  public static Reconnect backoff(Duration initialDelay, Duration maxDelay) {
    return new Reconnect(true, initialDelay, maxDelay);
  }

  /** Delay before reconnect attempt {@code attempt} (0-based), ms. */
  long delayMs(int attempt) {
    double d = Math.min(maxDelay.toMillis(), initialDelay.toMillis() * Math.pow(2, Math.min(attempt, 30)));
    return Math.round(d / 2 + ThreadLocalRandom.current().nextDouble() * (d / 2));
  }
}

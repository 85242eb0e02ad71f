package dev.hearsay.client;

/** Told about each stream failure that will be retried, before the wait. */
@FunctionalInterface
public interface RetryListener {
  /**
   * @param error the failure
   * @param attempt 1 for the first retry after a healthy stream
   * @param delayMs how long the stream waits before reconnecting
   */
  void onRetry(HearsayException error, int attempt, long delayMs);
}

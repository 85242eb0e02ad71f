package dev.hearsay.client;

/** Where a subscription without a resume cursor starts, per (origin, type). */
public enum StartPosition {
  /** Only digests published after the subscription starts. */
  LATEST,
  /** Everything the local retention log still holds. */
  EARLIEST
}

package dev.hearsay.client;

/** Why digests were lost to a subscriber. */
public enum GapReason {
  UNSPECIFIED,
  /** The subscriber's queue overflowed because it read too slowly. */
  SLOW_CONSUMER,
  /** The resume cursor points before what the retention log still holds. */
  RETENTION_EXPIRED,
  /** The digests could not be repaired from any peer. */
  UNRECOVERABLE
}

package dev.hearsay.client;

/** Health of a service instance. */
public enum ServiceHealth {
  UNSPECIFIED,
  PASSING,
  /** TTL lapsed without a refresh; removed after the grace period. */
  CRITICAL
}

package dev.hearsay.client;

/** What happened to a service instance. */
public enum ServiceEventKind {
  UNSPECIFIED,
  /** Sent at the start of a watch (and after each reconnect) for every instance already known. */
  CURRENT,
  REGISTERED,
  UPDATED,
  DEREGISTERED,
  /** Removed because its TTL lapsed, its client's session ended, or its node failed or left. */
  EXPIRED
}

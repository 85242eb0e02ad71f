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
  EXPIRED,
  /**
   * Once after the CURRENT events (also when there were none; first of all without
   * includeCurrent), before any live event: the set is complete. No instance; {@code
   * instances} as for the watched name (empty when watching every service).
   */
  SNAPSHOT_END
}

package dev.hearsay.client;

/** What happened to a member. */
public enum MemberEventKind {
  UNSPECIFIED,
  /** Sent at the start of a watch (and after each reconnect) for every member already known. */
  CURRENT,
  JOIN,
  /** Tags or other state changed. */
  UPDATE,
  SUSPECT,
  /** A suspect member refuted the suspicion, or a dead one came back. */
  ALIVE,
  FAIL,
  LEAVE,
  /** A dead or left member was forgotten. */
  REAP,
  /**
   * Once after the CURRENT events (also when there were none; first of all without
   * includeCurrent), before any live event: the set is complete. No member.
   */
  SNAPSHOT_END
}

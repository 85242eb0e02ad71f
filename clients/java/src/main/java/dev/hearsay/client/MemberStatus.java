package dev.hearsay.client;

/** Membership state of a node, as the local gateway sees it. */
public enum MemberStatus {
  UNSPECIFIED,
  ALIVE,
  /** Failed a probe; declared dead unless it refutes in time. */
  SUSPECT,
  /** Declared failed. */
  DEAD,
  /** Left gracefully. */
  LEFT
}

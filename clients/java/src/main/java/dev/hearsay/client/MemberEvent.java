package dev.hearsay.client;

/**
 * A membership change.
 *
 * @param kind what happened
 * @param member the member's state after the event; null for {@link MemberEventKind#SNAPSHOT_END}
 * @param timeMs when the gateway observed it, Unix epoch ms
 */
public record MemberEvent(MemberEventKind kind, Member member, long timeMs) {}

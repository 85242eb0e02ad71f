package dev.hearsay.client;

import java.time.Instant;

/**
 * The marker that the backlog a subscription started with (the retained history its
 * start position or resume cursor asked for, fetched from peers if need be) has been
 * delivered: every delivery after it is live. Delivered once per subscription, in order
 * with the digests, when the request asked for it with
 * {@link SubscriptionRequest#includeCaughtUp(boolean)}; either way
 * {@link Subscription#isCaughtUp()} and {@link Subscription#awaitCaughtUp} report it
 * once the consumer has been handed everything before it. After a reconnect the
 * subscription is not "un-caught-up": later markers are not surfaced.
 */
public final class CaughtUpDelivery<T> implements Delivery<T> {
  private final long serverTimeMs;
  private final long backlogDigests;
  private final Cursor cursor;

  CaughtUpDelivery(long serverTimeMs, long backlogDigests, Cursor cursor) {
    this.serverTimeMs = serverTimeMs;
    this.backlogDigests = backlogDigests;
    this.cursor = cursor;
  }

  @Override
  public Kind kind() {
    return Kind.CAUGHT_UP;
  }

  /** The gateway's clock when it sent the marker, Unix epoch ms. */
  public long serverTimeMs() {
    return serverTimeMs;
  }

  public Instant serverTime() {
    return Instant.ofEpochMilli(serverTimeMs);
  }

  /**
   * How many digests the gateway delivered before the marker (the backlog), on the
   * stream that sent it; unsigned 64-bit held in a long.
   */
  public long backlogDigests() {
    return backlogDigests;
  }

  /** The subscription's cursor at the marker (the end of the backlog). */
  @Override
  public Cursor cursor() {
    return cursor;
  }

  @Override
  public String toString() {
    return "CaughtUpDelivery{" + Long.toUnsignedString(backlogDigests) + " backlog digests}";
  }
}

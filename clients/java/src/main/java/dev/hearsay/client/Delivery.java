package dev.hearsay.client;

/**
 * What a subscriber receives: a {@link DigestDelivery}, a {@link GapDelivery} (digests
 * this subscriber will not get, and why: loss is never silent), or, when asked for with
 * {@link SubscriptionRequest#includeCaughtUp(boolean)}, one {@link CaughtUpDelivery}
 * (the backlog has been delivered; what follows is live). All carry the subscription's
 * cursor after them; resume from it to continue right after.
 *
 * @param <T> the decoded message type
 */
public sealed interface Delivery<T> permits DigestDelivery, GapDelivery, CaughtUpDelivery {
  /** Which kind a delivery is. */
  enum Kind {
    DIGEST,
    GAP,
    CAUGHT_UP
  }

  Kind kind();

  /** The subscription's cursor after this delivery. */
  Cursor cursor();
}

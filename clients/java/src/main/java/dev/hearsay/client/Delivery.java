package dev.hearsay.client;

/**
 * What a subscriber receives: a {@link DigestDelivery} or a {@link GapDelivery} (digests
 * this subscriber will not get, and why: loss is never silent). Both carry the
 * subscription's cursor after them; resume from it to continue right after.
 *
 * @param <T> the decoded message type
 */
public sealed interface Delivery<T> permits DigestDelivery, GapDelivery {
  /** Which of the two a delivery is. */
  enum Kind {
    DIGEST,
    GAP
  }

  Kind kind();

  /** The subscription's cursor after this delivery. */
  Cursor cursor();
}

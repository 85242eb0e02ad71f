package dev.hearsay.client;

import java.time.Instant;

/**
 * Where a published digest landed.
 *
 * @param id "origin:epoch:sequence", unique in the overlay
 * @param origin node name of the gateway that accepted it
 * @param sequence gapless per origin (and epoch) from 1, across all types; unsigned 64-bit held in a long
 * @param publishTimeMs when the origin accepted it, Unix epoch ms
 * @param epoch the origin's log epoch
 * @param streamSequence position in its stream (origin, epoch, type): what a cursor position names
 */
public record PublishResult(
    String id, String origin, long sequence, long publishTimeMs, long epoch, long streamSequence) {
  /** The sequence as an unsigned decimal string. */
  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }

  public Instant publishTime() {
    return Instant.ofEpochMilli(publishTimeMs);
  }
}

package dev.hearsay.client;

import java.time.Instant;

/**
 * Where a published digest landed.
 *
 * @param id "origin:sequence", unique in the overlay
 * @param origin node name of the gateway that accepted it
 * @param sequence gapless per origin from 1; unsigned 64-bit held in a long
 * @param publishTimeMs when the origin accepted it, Unix epoch ms
 */
public record PublishResult(String id, String origin, long sequence, long publishTimeMs) {
  /** The sequence as an unsigned decimal string. */
  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }

  public Instant publishTime() {
    return Instant.ofEpochMilli(publishTimeMs);
  }
}

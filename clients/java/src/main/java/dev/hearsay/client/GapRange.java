package dev.hearsay.client;

/**
 * A run of one origin's digests of one type, in one of its epochs, that the subscriber
 * lost. Sequences are stream sequences ({@link DigestDelivery#streamSequence()}),
 * unsigned 64-bit held in longs, both inclusive; {@code toSequence} 0 means through the
 * end of the epoch, whose length no reachable gateway knows ({@link #throughEpochEnd()}).
 *
 * @param origin origin node of the lost digests
 * @param type digest type of the lost digests
 * @param fromSequence first lost stream sequence, inclusive
 * @param toSequence last lost stream sequence, inclusive; 0 = through the epoch's end
 * @param epoch the origin's epoch of the lost digests
 */
public record GapRange(String origin, String type, long fromSequence, long toSequence, long epoch) {
  /** A range in epoch 0. */
  public GapRange(String origin, String type, long fromSequence, long toSequence) {
    this(origin, type, fromSequence, toSequence, 0);
  }

  /** True when the range runs through the end of its epoch (toSequence 0: its length is unknown). */
  public boolean throughEpochEnd() {
    return toSequence == 0;
  }
}

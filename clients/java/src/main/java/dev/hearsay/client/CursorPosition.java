package dev.hearsay.client;

/**
 * For one origin and digest type: the origin's log epoch and the stream sequence
 * ({@link DigestDelivery#streamSequence()}) of the last digest received (sequence 0 =
 * none yet of that epoch).
 *
 * <p>Positions order by (epoch, sequence), epochs first: any digest of a higher epoch is
 * newer than every digest of a lower one (an origin restarted without its data dir
 * starts a new, higher epoch, counting its stream sequences from 1 again). Epoch 0 means
 * the origin's oldest epoch any gateway still knows, and is below every epoch.
 *
 * @param origin origin node name
 * @param type digest type name
 * @param sequence stream sequence; an unsigned 64-bit number held in a long: compare with
 *     {@link Long#compareUnsigned}, print with {@link #sequenceString()}
 * @param epoch the origin's epoch the sequence belongs to; unsigned 64-bit like sequence
 */
public record CursorPosition(String origin, String type, long sequence, long epoch)
    implements Comparable<CursorPosition> {
  public CursorPosition {
    Args.notNull(origin, "origin");
    Args.notNull(type, "type");
  }

  /** A position in epoch 0: the origin's oldest epoch still known. */
  public CursorPosition(String origin, String type, long sequence) {
    this(origin, type, sequence, 0);
  }

  /** The sequence as an unsigned decimal string. */
  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }

  /** The epoch as an unsigned decimal string. */
  public String epochString() {
    return Long.toUnsignedString(epoch);
  }

  /**
   * Whether a digest at (epoch, streamSequence) of this position's origin and type is at
   * or before it, so a subscriber resuming from here already had it.
   */
  public boolean covers(long epoch, long streamSequence) {
    return compare(this.epoch, this.sequence, epoch, streamSequence) >= 0;
  }

  /**
   * Orders by (epoch, sequence), unsigned, epochs first; origin and type are not
   * compared (compare positions of one (origin, type) only).
   */
  @Override
  public int compareTo(CursorPosition o) {
    return compare(epoch, sequence, o.epoch, o.sequence);
  }

  /** (epochA, seqA) against (epochB, seqB): epochs first, all unsigned. */
  static int compare(long epochA, long seqA, long epochB, long seqB) {
    int c = Long.compareUnsigned(epochA, epochB);
    return c != 0 ? c : Long.compareUnsigned(seqA, seqB);
  }
}

package dev.hearsay.client;

/**
 * For one origin and digest type: the sequence of the last digest received (0 = none yet).
 *
 * @param origin origin node name
 * @param type digest type name
 * @param sequence an unsigned 64-bit number held in a long: compare with
 *     {@link Long#compareUnsigned}, print with {@link #sequenceString()}
 */
public record CursorPosition(String origin, String type, long sequence) {
  public CursorPosition {
    Args.notNull(origin, "origin");
    Args.notNull(type, "type");
  }

  /** The sequence as an unsigned decimal string. */
  public String sequenceString() {
    return Long.toUnsignedString(sequence);
  }
}

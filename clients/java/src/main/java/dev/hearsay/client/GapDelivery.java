package dev.hearsay.client;

import java.util.List;

/** An explicit notice that digests were lost to this subscriber. */
public final class GapDelivery<T> implements Delivery<T> {
  private final GapReason reason;
  private final List<GapRange> ranges;
  private final String message;
  private final Cursor resumeFrom;
  private final Cursor cursor;

  GapDelivery(GapReason reason, List<GapRange> ranges, String message, Cursor resumeFrom, Cursor cursor) {
    this.reason = reason;
    this.ranges = List.copyOf(ranges);
    this.message = message;
    this.resumeFrom = resumeFrom;
    this.cursor = cursor;
  }

  @Override
  public Kind kind() {
    return Kind.GAP;
  }

  public GapReason reason() {
    return reason;
  }

  /** The lost digests, per origin and type. */
  public List<GapRange> ranges() {
    return ranges;
  }

  /** The gateway's explanation. */
  public String message() {
    return message;
  }

  /** Cursor that skips past the gap. */
  public Cursor resumeFrom() {
    return resumeFrom;
  }

  /** The subscription's cursor after this notice (the gap skipped). */
  @Override
  public Cursor cursor() {
    return cursor;
  }

  @Override
  public String toString() {
    return "GapDelivery{" + reason + ", " + ranges + ", " + message + "}";
  }
}

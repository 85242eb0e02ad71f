package dev.hearsay.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The positions a subscription has reached. Sequences are unsigned 64-bit and compared
 * as such. Not thread-safe: owned by one subscription's reader thread.
 */
final class CursorState {
  private record Key(String origin, String type) {}

  private final Map<Key, CursorPosition> positions = new LinkedHashMap<>();
  private Cursor snapshot = Cursor.EMPTY;

  CursorState(Cursor from) {
    if (from != null) merge(from);
  }

  /** True when (origin, type) has a position; see {@link #at}. */
  boolean has(String origin, String type) {
    return positions.containsKey(new Key(origin, type));
  }

  /** Sequence reached for (origin, type); 0 when none (check {@link #has} first). */
  long at(String origin, String type) {
    CursorPosition p = positions.get(new Key(origin, type));
    return p == null ? 0 : p.sequence();
  }

  /** Moves (origin, type) forward to {@code sequence}; never backwards. */
  void advance(String origin, String type, long sequence) {
    Key k = new Key(origin, type);
    CursorPosition cur = positions.get(k);
    if (cur == null || Long.compareUnsigned(cur.sequence(), sequence) < 0) {
      positions.put(k, new CursorPosition(origin, type, sequence));
      snapshot = null;
    }
  }

  void merge(Cursor c) {
    for (CursorPosition p : c.positions()) advance(p.origin(), p.type(), p.sequence());
  }

  /** The cursor now; the same object until the state moves. */
  Cursor snapshot() {
    if (snapshot == null) snapshot = new Cursor(new ArrayList<>(positions.values()));
    return snapshot;
  }

  dev.hearsay.v1.Cursor toProto() {
    dev.hearsay.v1.Cursor.Builder b = dev.hearsay.v1.Cursor.newBuilder();
    for (CursorPosition p : positions.values()) {
      b.addPositions(
          dev.hearsay.v1.CursorPosition.newBuilder()
              .setOrigin(p.origin())
              .setType(p.type())
              .setSequence(p.sequence()));
    }
    return b.build();
  }

  static Cursor fromProto(dev.hearsay.v1.Cursor c) {
    List<CursorPosition> out = new ArrayList<>(c.getPositionsCount());
    for (dev.hearsay.v1.CursorPosition p : c.getPositionsList()) {
      out.add(new CursorPosition(p.getOrigin(), p.getType(), p.getSequence()));
    }
    return new Cursor(out);
  }
}

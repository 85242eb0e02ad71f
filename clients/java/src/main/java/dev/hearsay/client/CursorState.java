package dev.hearsay.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The positions a subscription has reached, per (origin, type) an (epoch, stream
 * sequence) ordered epochs first (see {@link CursorPosition}). Numbers are unsigned
 * 64-bit and compared as such. Not thread-safe: owned by one subscription's reader thread.
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

  /** The position reached for (origin, type); null when none. */
  CursorPosition at(String origin, String type) {
    return positions.get(new Key(origin, type));
  }

  /** Whether (epoch, sequence) of (origin, type) is at or before its position (already had). */
  boolean covers(String origin, String type, long epoch, long sequence) {
    CursorPosition p = positions.get(new Key(origin, type));
    return p != null && p.covers(epoch, sequence);
  }

  /** Moves (origin, type) forward to (epoch, sequence), epochs first; never backwards. */
  void advance(String origin, String type, long epoch, long sequence) {
    if (covers(origin, type, epoch, sequence)) return;
    positions.put(new Key(origin, type), new CursorPosition(origin, type, sequence, epoch));
    snapshot = null;
  }

  void merge(Cursor c) {
    for (CursorPosition p : c.positions()) advance(p.origin(), p.type(), p.epoch(), p.sequence());
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
              .setSequence(p.sequence())
              .setEpoch(p.epoch()));
    }
    return b.build();
  }

  static Cursor fromProto(dev.hearsay.v1.Cursor c) {
    List<CursorPosition> out = new ArrayList<>(c.getPositionsCount());
    for (dev.hearsay.v1.CursorPosition p : c.getPositionsList()) {
      out.add(new CursorPosition(p.getOrigin(), p.getType(), p.getSequence(), p.getEpoch()));
    }
    return new Cursor(out);
  }
}

package dev.hearsay.client;

import java.time.Duration;
import java.util.Map;

/** Argument checks: a bad argument is an IllegalArgumentException naming it, never an NPE later. */
final class Args {
  private Args() {}

  static <T> T notNull(T value, String name) {
    if (value == null) throw new IllegalArgumentException(name + ": required, got null");
    return value;
  }

  static String notEmpty(String value, String name) {
    notNull(value, name);
    if (value.isEmpty()) throw new IllegalArgumentException(name + ": required, got an empty string");
    return value;
  }

  static int positive(int value, String name) {
    if (value < 1) throw new IllegalArgumentException(name + ": must be a positive integer, got " + value);
    return value;
  }

  static Duration positive(Duration d, String name) {
    notNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + ": must be positive, got " + d);
    return d;
  }

  static Duration notNegative(Duration d, String name) {
    notNull(d, name);
    if (d.isNegative()) throw new IllegalArgumentException(name + ": must not be negative, got " + d);
    return d;
  }

  /** A copy of a string map, refusing null keys and values. */
  static Map<String, String> stringMap(Map<String, String> map, String name) {
    notNull(map, name);
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(name + ": null keys and values are not allowed");
      }
    }
    return Map.copyOf(map);
  }

  /** Milliseconds of a duration, saturated to int (Thrift fields and socket timeouts are int). */
  static int millisInt(Duration d) {
    long ms = d.toMillis();
    return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) Math.max(ms, d.isZero() ? 0 : 1);
  }
}

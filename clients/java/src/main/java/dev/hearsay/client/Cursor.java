package dev.hearsay.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a subscriber is: at most one position per (origin, type), an (epoch, stream
 * sequence) of that origin. Resuming with it delivers, per origin and type, everything
 * after that position that retention still holds: the rest of its epoch, then the
 * origin's later epochs from their start. Store it with {@link #toJson()} (proto3 JSON
 * of hearsay.v1.Cursor, readable by every SDK and the CLI) and read it back with {@link #fromJson(String)}.
 */
public record Cursor(List<CursorPosition> positions) {
  /** No position: a subscription resuming from it starts every (origin, type) at its start position. */
  public static final Cursor EMPTY = new Cursor(List.of());

  /** Most positions a cursor read from JSON may hold. */
  static final int MAX_JSON_POSITIONS = 100_000;

  public Cursor {
    positions = List.copyOf(Args.notNull(positions, "positions"));
  }

  /** The position of (origin, type), empty when the cursor has none. */
  public Optional<CursorPosition> position(String origin, String type) {
    for (CursorPosition p : positions) {
      if (p.origin().equals(origin) && p.type().equals(type)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /**
   * {"positions":[{"origin":..,"type":..,"sequence":"12","epoch":"3"}]}, sequences and
   * epochs as strings (proto3 JSON for uint64).
   */
  public String toJson() {
    JsonArray arr = new JsonArray();
    for (CursorPosition p : positions) {
      JsonObject o = new JsonObject();
      o.addProperty("origin", p.origin());
      o.addProperty("type", p.type());
      o.addProperty("sequence", p.sequenceString());
      o.addProperty("epoch", p.epochString());
      arr.add(o);
    }
    JsonObject root = new JsonObject();
    root.add("positions", arr);
    return root.toString();
  }

  /**
   * Parses {@link #toJson()} output, or any proto3 JSON of hearsay.v1.Cursor (sequences and
   * epochs as strings or numbers; an absent epoch is 0, as in cursors saved before epochs).
   * Throws IllegalArgumentException naming what is wrong.
   */
  public static Cursor fromJson(String json) {
    Args.notNull(json, "json");
    JsonElement root;
    try {
      root = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("cursor: not JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonObject()) throw new IllegalArgumentException("cursor: expected { \"positions\": [...] }");
    JsonElement ps = root.getAsJsonObject().get("positions");
    if (ps == null || ps.isJsonNull()) return EMPTY;
    if (!ps.isJsonArray()) throw new IllegalArgumentException("cursor.positions: expected an array");
    JsonArray arr = ps.getAsJsonArray();
    if (arr.size() > MAX_JSON_POSITIONS) {
      throw new IllegalArgumentException("cursor.positions: more than " + MAX_JSON_POSITIONS + " positions");
    }
    List<CursorPosition> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      String at = "cursor.positions[" + i + "]";
      if (!arr.get(i).isJsonObject()) throw new IllegalArgumentException(at + ": expected an object");
      JsonObject o = arr.get(i).getAsJsonObject();
      String origin = string(o, "origin", at);
      String type = string(o, "type", at);
      out.add(
          new CursorPosition(
              origin, type, unsigned(o.get("sequence"), at + ".sequence"), unsigned(o.get("epoch"), at + ".epoch")));
    }
    return new Cursor(out);
  }

  private static String string(JsonObject o, String key, String at) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(at + "." + key + ": required string");
    }
    return e.getAsString();
  }

  private static long unsigned(JsonElement e, String at) {
    if (e == null || e.isJsonNull()) return 0;
    if (!e.isJsonPrimitive()) throw new IllegalArgumentException(at + ": expected an unsigned integer");
    JsonPrimitive p = e.getAsJsonPrimitive();
    String text = p.isString() ? p.getAsString() : p.isNumber() ? p.getAsNumber().toString() : "";
    if (!text.matches("\\d{1,20}")) throw new IllegalArgumentException(at + ": expected an unsigned integer, got " + text);
    try {
      return Long.parseUnsignedLong(text);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(at + ": beyond 2^64-1: " + text, ex);
    }
  }
}

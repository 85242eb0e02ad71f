package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cursors: JSON every SDK reads, uint64 epochs and sequences kept unsigned and ordered epochs first, hostile JSON refused by name. */
class CursorTest {
  private static final long MAX_U64 = -1L; // 2^64 - 1

  @Test
  void jsonRoundTripsUnsignedSequences() {
    Cursor c = new Cursor(List.of(new CursorPosition("n1", "a.B", MAX_U64), new CursorPosition("n2", "a.B", 7)));
    String json = c.toJson();
    assertTrue(json.contains("\"18446744073709551615\""), json);
    assertEquals(c, Cursor.fromJson(json));
    assertEquals("18446744073709551615", c.positions().get(0).sequenceString());
    assertEquals(Cursor.EMPTY, Cursor.fromJson("{}"));
    // proto3 JSON allows numbers too
    assertEquals(12, Cursor.fromJson("{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":12}]}").positions().get(0).sequence());
    assertEquals(7, c.position("n2", "a.B").orElseThrow().sequence());
    assertTrue(c.position("n3", "a.B").isEmpty());
  }

  @Test
  void hostileJsonIsRefusedNamingWhatIsWrong() {
    assertThrows(IllegalArgumentException.class, () -> Cursor.fromJson(null));
    assertMessage("cursor: not JSON", "{");
    assertMessage("cursor: expected", "[]");
    assertMessage("cursor.positions: expected an array", "{\"positions\":3}");
    assertMessage("cursor.positions[0]: expected an object", "{\"positions\":[1]}");
    assertMessage("cursor.positions[0].origin", "{\"positions\":[{\"type\":\"t\"}]}");
    assertMessage("cursor.positions[0].sequence", "{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":\"-1\"}]}");
    assertMessage("cursor.positions[0].sequence: beyond", "{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":\"18446744073709551616\"}]}");
    assertMessage("cursor.positions[0].sequence", "{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":1.5}]}");
  }

  private static void assertMessage(String prefix, String json) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cursor.fromJson(json));
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }

  @Test
  void stateMovesForwardOnlyComparingUnsigned() {
    CursorState s = new CursorState(null);
    s.advance("o", "t", 1, Long.MAX_VALUE);
    s.advance("o", "t", 1, Long.MIN_VALUE); // 2^63: larger, unsigned
    assertEquals(Long.MIN_VALUE, s.at("o", "t").sequence());
    s.advance("o", "t", 1, 5); // backwards: ignored
    assertEquals(Long.MIN_VALUE, s.at("o", "t").sequence());
    Cursor snap = s.snapshot();
    assertEquals(snap, s.snapshot());
    assertEquals(snap, CursorState.fromProto(s.toProto()));
  }

  @Test
  void epochsOrderFirstAndEpochZeroIsBelowEveryEpoch() {
    CursorState s = new CursorState(new Cursor(List.of(new CursorPosition("o", "t", 900)))); // epoch 0
    assertEquals(0, s.at("o", "t").epoch());
    assertTrue(s.covers("o", "t", 0, 900));
    assertFalse(s.covers("o", "t", 0, 901));
    assertFalse(s.covers("o", "t", 1, 1), "epoch 0 is below every epoch");
    s.advance("o", "t", 2, 3);
    assertEquals(new CursorPosition("o", "t", 3, 2), s.at("o", "t"));
    s.advance("o", "t", 1, 1_000); // an older epoch, however high its sequence: ignored
    s.advance("o", "t", 0, 5);
    assertEquals(new CursorPosition("o", "t", 3, 2), s.at("o", "t"));
    assertTrue(s.covers("o", "t", 1, Long.MIN_VALUE));
    assertTrue(s.covers("o", "t", 2, 3));
    assertFalse(s.covers("o", "t", 2, 4));
    s.advance("o", "t", -1L, 1); // epoch 2^64-1: unsigned, newest
    assertEquals(-1L, s.at("o", "t").epoch());
    assertFalse(s.covers("o", "t2", 1, 1), "other types are untouched");
    // merge keeps the newer of two positions, epochs first
    s.merge(new Cursor(List.of(new CursorPosition("o", "t", 99, 3), new CursorPosition("p", "t", 4, 7))));
    assertEquals(new CursorPosition("o", "t", 1, -1L), s.at("o", "t"));
    assertEquals(new CursorPosition("p", "t", 4, 7), s.at("p", "t"));
    // proto round trip carries epochs
    dev.hearsay.v1.Cursor proto = s.toProto();
    assertEquals(7, proto.getPositions(1).getEpoch());
    assertEquals(s.snapshot(), CursorState.fromProto(proto));
    // CursorPosition orders the same way
    assertTrue(new CursorPosition("o", "t", 1, 3).compareTo(new CursorPosition("o", "t", 1_000, 2)) > 0);
    assertTrue(new CursorPosition("o", "t", 5).compareTo(new CursorPosition("o", "t", 1, 1)) < 0);
    assertTrue(new CursorPosition("o", "t", 5, 1).covers(1, 5));
    assertFalse(new CursorPosition("o", "t", 5, 1).covers(2, 1));
  }

  @Test
  void jsonCarriesEpochsAndReadsCursorsSavedWithoutThem() {
    Cursor c = new Cursor(List.of(new CursorPosition("n1", "a.B", 12, MAX_U64), new CursorPosition("n2", "a.B", 7)));
    String json = c.toJson();
    assertTrue(json.contains("\"epoch\":\"18446744073709551615\""), json);
    assertTrue(json.contains("\"epoch\":\"0\""), json);
    assertEquals(c, Cursor.fromJson(json));
    assertEquals("18446744073709551615", c.positions().get(0).epochString());
    Cursor old = Cursor.fromJson("{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":\"12\"}]}");
    assertEquals(new CursorPosition("o", "t", 12, 0), old.positions().get(0));
    assertEquals(3, Cursor.fromJson("{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":1,\"epoch\":3}]}").positions().get(0).epoch());
    assertMessage("cursor.positions[0].epoch", "{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"sequence\":\"1\",\"epoch\":\"x\"}]}");
    assertMessage("cursor.positions[0].epoch: beyond", "{\"positions\":[{\"origin\":\"o\",\"type\":\"t\",\"epoch\":\"18446744073709551616\"}]}");
  }
}

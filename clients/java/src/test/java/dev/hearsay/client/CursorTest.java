package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cursors: JSON every SDK reads, uint64 sequences kept unsigned, hostile JSON refused by name. */
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
    s.advance("o", "t", Long.MAX_VALUE);
    s.advance("o", "t", Long.MIN_VALUE); // 2^63: larger, unsigned
    assertEquals(Long.MIN_VALUE, s.at("o", "t"));
    s.advance("o", "t", 5); // backwards: ignored
    assertEquals(Long.MIN_VALUE, s.at("o", "t"));
    Cursor snap = s.snapshot();
    assertEquals(snap, s.snapshot());
    assertEquals(snap, CursorState.fromProto(s.toProto()));
  }
}

package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.test.proto.Greeting;
import dev.hearsay.v1.Digest;
import dev.hearsay.v1.DigestBatch;
import dev.hearsay.v1.GapNotice;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import dev.hearsay.v1.SubscriptionStarted;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The subscription's reader logic without I/O: requests per (re)open, dedup by cursor, gaps, decoding. */
class SubscriptionCoreTest {
  private static Digest digest(String origin, long seq, long timeMs) {
    return Digest.newBuilder()
        .setType(Fixtures.GREETING)
        .setOrigin(origin)
        .setSequence(seq)
        .setId(origin + ":" + Long.toUnsignedString(seq))
        .setPublishTimeMs(timeMs)
        .setPayload(Fixtures.greeting(seq).toByteString())
        .build();
  }

  private static SubscribeResponse batch(Digest... ds) {
    return SubscribeResponse.newBuilder().setBatch(DigestBatch.newBuilder().addAllDigests(List.of(ds))).build();
  }

  private static List<Delivery<Greeting>> feed(SubscriptionCore<Greeting> core, SubscribeResponse r) {
    List<Delivery<Greeting>> out = new ArrayList<>();
    core.handle(r, out::add);
    return out;
  }

  @Test
  void reconnectsAskForEarliestFromTheCursorAndDropWhatWasSeen() {
    SubscriptionCore<Greeting> core = new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class), "");
    SubscribeRequest first = core.request();
    assertFalse(first.hasResumeFrom());
    assertEquals(dev.hearsay.v1.StartPosition.START_POSITION_LATEST, first.getStart());
    core.handle(SubscribeResponse.newBuilder().setStarted(SubscriptionStarted.newBuilder().setSubscriptionId("s1")).build(), d -> {});
    assertEquals("s1", core.started.join());
    long now = System.currentTimeMillis();
    assertEquals(2, feed(core, batch(digest("a", 1, now), digest("a", 2, now))).size());

    SubscribeRequest again = core.request();
    assertTrue(again.hasResumeFrom());
    assertEquals(dev.hearsay.v1.StartPosition.START_POSITION_EARLIEST, again.getStart());
    assertEquals(2, again.getResumeFrom().getPositions(0).getSequence());
    // Replayed a:2 is dropped; a:3 passes; b's old digest predates the subscription and is dropped.
    List<Delivery<Greeting>> got =
        feed(core, batch(digest("a", 2, now), digest("a", 3, now), digest("b", 1, now - 60_000), digest("b", 2, now)));
    assertEquals(List.of("a:3", "b:2"), got.stream().map(d -> ((DigestDelivery<Greeting>) d).id()).toList());
    assertEquals(Fixtures.greeting(3), ((DigestDelivery<Greeting>) got.get(0)).message());
  }

  @Test
  void gapsMoveTheCursorPastTheLossAndUndecodablePayloadsCarryTheError() {
    SubscriptionCore<Greeting> core =
        new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).start(StartPosition.EARLIEST), "");
    core.request();
    GapNotice gap =
        GapNotice.newBuilder()
            .setReasonValue(1)
            .setMessage("slow")
            .addRanges(dev.hearsay.v1.GapRange.newBuilder().setOrigin("a").setType(Fixtures.GREETING).setFromSequence(1).setToSequence(9))
            .setResumeFrom(dev.hearsay.v1.Cursor.newBuilder().addPositions(
                dev.hearsay.v1.CursorPosition.newBuilder().setOrigin("a").setType(Fixtures.GREETING).setSequence(9)))
            .build();
    GapDelivery<Greeting> g = (GapDelivery<Greeting>) feed(core, SubscribeResponse.newBuilder().setGap(gap).build()).get(0);
    assertEquals(Delivery.Kind.GAP, g.kind());
    assertEquals(GapReason.SLOW_CONSUMER, g.reason());
    assertEquals(List.of(new GapRange("a", Fixtures.GREETING, 1, 9)), g.ranges());
    assertEquals(9, g.cursor().positions().get(0).sequence());
    assertTrue(feed(core, batch(digest("a", 9, 0))).isEmpty());
    Digest bad = digest("a", 10, 0).toBuilder().setPayload(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
    DigestDelivery<Greeting> d = (DigestDelivery<Greeting>) feed(core, batch(bad)).get(0);
    assertEquals(null, d.message());
    assertTrue(d.decodeError().isPresent());
  }
}

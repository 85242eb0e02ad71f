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
  /** A digest of epoch 1 whose origin sequence is its stream sequence + 100 (other types in between). */
  private static Digest digest(String origin, long seq, long timeMs) {
    return digest(origin, 1, seq, timeMs);
  }

  private static Digest digest(String origin, long epoch, long streamSeq, long timeMs) {
    long seq = streamSeq + 100;
    return Digest.newBuilder()
        .setType(Fixtures.GREETING)
        .setOrigin(origin)
        .setEpoch(epoch)
        .setSequence(seq)
        .setStreamSequence(streamSeq)
        .setId(origin + ":" + epoch + ":" + seq)
        .setPublishTimeMs(timeMs)
        .setPayload(Fixtures.greeting(streamSeq).toByteString())
        .build();
  }

  private static SubscribeResponse caughtUp(long backlog) {
    return SubscribeResponse.newBuilder()
        .setCaughtUp(dev.hearsay.v1.CaughtUp.newBuilder().setServerTimeMs(1234).setBacklogDigests(backlog))
        .build();
  }

  private static List<String> ids(List<Delivery<Greeting>> ds) {
    return ds.stream().map(d -> ((DigestDelivery<Greeting>) d).id()).toList();
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
    // The cursor speaks in stream sequences and epochs, not origin sequences.
    assertEquals(2, again.getResumeFrom().getPositions(0).getSequence());
    assertEquals(1, again.getResumeFrom().getPositions(0).getEpoch());
    // Replayed a:2 is dropped; a:3 passes; b's old digest predates the subscription and is dropped.
    List<Delivery<Greeting>> got =
        feed(core, batch(digest("a", 2, now), digest("a", 3, now), digest("b", 1, now - 60_000), digest("b", 2, now)));
    assertEquals(List.of("a:1:103", "b:1:102"), ids(got));
    DigestDelivery<Greeting> a3 = (DigestDelivery<Greeting>) got.get(0);
    assertEquals(Fixtures.greeting(3), a3.message());
    assertEquals(1, a3.epoch());
    assertEquals(3, a3.streamSequence());
    assertEquals(103, a3.sequence());
    assertEquals(List.of(new CursorPosition("a", Fixtures.GREETING, 3, 1)), List.of(a3.cursor().position("a", Fixtures.GREETING).orElseThrow()));
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
            .addRanges(dev.hearsay.v1.GapRange.newBuilder().setOrigin("a").setType(Fixtures.GREETING).setFromSequence(1).setToSequence(9).setEpoch(1))
            .setResumeFrom(dev.hearsay.v1.Cursor.newBuilder().addPositions(
                dev.hearsay.v1.CursorPosition.newBuilder().setOrigin("a").setType(Fixtures.GREETING).setSequence(9).setEpoch(1)))
            .build();
    GapDelivery<Greeting> g = (GapDelivery<Greeting>) feed(core, SubscribeResponse.newBuilder().setGap(gap).build()).get(0);
    assertEquals(Delivery.Kind.GAP, g.kind());
    assertEquals(GapReason.SLOW_CONSUMER, g.reason());
    assertEquals(List.of(new GapRange("a", Fixtures.GREETING, 1, 9, 1)), g.ranges());
    assertEquals(1, g.ranges().get(0).epoch());
    assertFalse(g.ranges().get(0).throughEpochEnd());
    assertEquals(new CursorPosition("a", Fixtures.GREETING, 9, 1), g.cursor().positions().get(0));
    assertTrue(feed(core, batch(digest("a", 9, 0))).isEmpty());
    Digest bad = digest("a", 10, 0).toBuilder().setPayload(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
    DigestDelivery<Greeting> d = (DigestDelivery<Greeting>) feed(core, batch(bad)).get(0);
    assertEquals(null, d.message());
    assertTrue(d.decodeError().isPresent());
  }

  @Test
  void ordersAcrossEpochsAHigherEpochBeingNewerThanAnyLowerOne() {
    SubscriptionCore<Greeting> core =
        new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).start(StartPosition.EARLIEST), "");
    core.request();
    List<Delivery<Greeting>> got =
        feed(core, batch(digest("a", 1, 1, 0), digest("a", 1, 2, 0), digest("a", 2, 1, 0), digest("a", 1, 3, 0)));
    // a's epoch 2 began (restarted without its data): epoch 1's late digest is behind the cursor.
    assertEquals(List.of("a:1:101", "a:1:102", "a:2:101"), ids(got));
    assertEquals(new CursorPosition("a", Fixtures.GREETING, 1, 2), core.cursor().positions().get(0));
    SubscribeRequest again = core.request();
    assertEquals(2, again.getResumeFrom().getPositions(0).getEpoch());
    assertEquals(1, again.getResumeFrom().getPositions(0).getSequence());
    assertEquals(List.of("a:2:102"), ids(feed(core, batch(digest("a", 2, 1, 0), digest("a", 2, 2, 0)))));
  }

  @Test
  void aResumeCursorInEpochZeroIsBelowEveryEpoch() {
    Cursor saved = new Cursor(List.of(new CursorPosition("a", Fixtures.GREETING, 5))); // epoch 0
    SubscriptionCore<Greeting> core = new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).resumeFrom(saved), "");
    SubscribeRequest first = core.request();
    assertEquals(0, first.getResumeFrom().getPositions(0).getEpoch());
    assertEquals(5, first.getResumeFrom().getPositions(0).getSequence());
    // Whatever epoch the gateway resolves 0 to, its digests are after the position.
    assertEquals(List.of("a:3:101", "a:3:106"), ids(feed(core, batch(digest("a", 3, 1, 0), digest("a", 3, 6, 0)))));
    assertEquals(new CursorPosition("a", Fixtures.GREETING, 6, 3), core.cursor().positions().get(0));
  }

  @Test
  void digestsWithoutStreamSequencesFallBackToTheOriginSequence() {
    SubscriptionCore<Greeting> core =
        new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).start(StartPosition.EARLIEST), "");
    core.request();
    Digest old = digest("a", 0, 1, 0).toBuilder().clearStreamSequence().build(); // a gateway from before epochs
    DigestDelivery<Greeting> d = (DigestDelivery<Greeting>) feed(core, batch(old)).get(0);
    assertEquals(101, d.streamSequence());
    assertTrue(feed(core, batch(old)).isEmpty());
  }

  @Test
  void theFirstCaughtUpMarkerIsADeliveryInOrderWhenAskedFor() {
    SubscriptionCore<Greeting> core =
        new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).start(StartPosition.EARLIEST).includeCaughtUp(true), "");
    core.request();
    assertTrue(core.deliversCaughtUp());
    List<Delivery<Greeting>> got = new ArrayList<>();
    core.handle(batch(digest("a", 1, 0), digest("a", 2, 0)), got::add);
    core.handle(caughtUp(2), got::add);
    core.handle(batch(digest("a", 3, 0)), got::add);
    assertEquals(List.of(Delivery.Kind.DIGEST, Delivery.Kind.DIGEST, Delivery.Kind.CAUGHT_UP, Delivery.Kind.DIGEST),
        got.stream().map(Delivery::kind).toList());
    CaughtUpDelivery<Greeting> m = (CaughtUpDelivery<Greeting>) got.get(2);
    assertEquals(2, m.backlogDigests());
    assertEquals(1234, m.serverTimeMs());
    assertEquals(new CursorPosition("a", Fixtures.GREETING, 2, 1), m.cursor().positions().get(0));
    // A reconnected stream sends another; the subscription reports the first only.
    core.request();
    assertTrue(feed(core, caughtUp(0)).isEmpty());
    assertFalse(new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class), "").deliversCaughtUp());
  }

  @Test
  void aSubscriptionIsCaughtUpOnceTheConsumerHasBeenHandedTheBacklog() throws Exception {
    SubscriptionCore<Greeting> core = new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class), "");
    Subscription<Greeting> sub = new Subscription<>(core, null, () -> {}, Cursor.EMPTY);
    List<Delivery<Greeting>> got = feed(core, batch(digest("a", 1, 0), digest("a", 2, 0)));
    CaughtUpDelivery<Greeting> m = (CaughtUpDelivery<Greeting>) feed(core, caughtUp(2)).get(0);
    sub.backlogEnds(m, 2); // the reader queued two before the marker
    assertFalse(sub.isCaughtUp());
    assertFalse(sub.awaitCaughtUp(java.time.Duration.ofMillis(10)));
    sub.handedOver(got.get(0));
    assertFalse(sub.isCaughtUp());
    sub.handedOver(got.get(1));
    assertTrue(sub.isCaughtUp());
    assertTrue(sub.awaitCaughtUp(java.time.Duration.ZERO));
    assertEquals(m, sub.caughtUp().join());
    sub.ended(null); // after the marker: stays caught up
    assertTrue(sub.isCaughtUp());

    Subscription<Greeting> none = new Subscription<>(core, null, () -> {}, Cursor.EMPTY);
    none.backlogEnds(m, 0); // no backlog: caught up at once
    assertTrue(none.isCaughtUp());
    Subscription<Greeting> ended = new Subscription<>(core, null, () -> {}, Cursor.EMPTY);
    ended.ended(null);
    assertFalse(ended.isCaughtUp());
    assertFalse(ended.awaitCaughtUp(java.time.Duration.ofSeconds(5)));
  }

  @Test
  void thriftPollItemsCarryEpochsStreamSequencesAndTheMarker() {
    dev.hearsay.thrift.Digest td = new dev.hearsay.thrift.Digest()
        .setType(Fixtures.GREETING).setOrigin("a").setSequence(107).setEpoch(4).setStreamSequence(7)
        .setId("a:4:107").setPayload(new byte[0]);
    dev.hearsay.thrift.GapNotice tg = new dev.hearsay.thrift.GapNotice()
        .setReason(dev.hearsay.thrift.GapReason.findByValue(2))
        .setMessage("gone")
        .setRanges(List.of(new dev.hearsay.thrift.GapRange("a", 1, 0, Fixtures.GREETING, 3)))
        .setResumeFrom(new dev.hearsay.thrift.Cursor(List.of(new dev.hearsay.thrift.CursorPosition("a", Fixtures.GREETING, 0, 4))));
    List<SubscribeResponse> out = new ArrayList<>();
    ThriftConvert.pollItems(List.of(
        dev.hearsay.thrift.SubscriptionItem.batch(List.of(td)),
        dev.hearsay.thrift.SubscriptionItem.gap(tg),
        dev.hearsay.thrift.SubscriptionItem.caughtUp(new dev.hearsay.thrift.CaughtUp(99, 5))), out);
    Digest d = out.get(0).getBatch().getDigests(0);
    assertEquals(List.of(4L, 7L, 107L, "a:4:107"), List.of(d.getEpoch(), d.getStreamSequence(), d.getSequence(), d.getId()));
    GapNotice g = out.get(1).getGap();
    assertEquals(3, g.getRanges(0).getEpoch());
    assertEquals(0, g.getRanges(0).getToSequence());
    assertEquals(4, g.getResumeFrom().getPositions(0).getEpoch());
    assertEquals(99, out.get(2).getCaughtUp().getServerTimeMs());
    assertEquals(5, out.get(2).getCaughtUp().getBacklogDigests());

    SubscriptionCore<Greeting> core =
        new SubscriptionCore<>(SubscriptionRequest.of(Greeting.class).start(StartPosition.EARLIEST).includeCaughtUp(true), "");
    core.request();
    List<Delivery<Greeting>> got = new ArrayList<>();
    for (SubscribeResponse r : out) core.handle(r, got::add);
    GapDelivery<Greeting> gap = (GapDelivery<Greeting>) got.get(1);
    assertEquals(new GapRange("a", Fixtures.GREETING, 1, 0, 3), gap.ranges().get(0));
    assertTrue(gap.ranges().get(0).throughEpochEnd());
    assertEquals(Delivery.Kind.CAUGHT_UP, got.get(2).kind());

    dev.hearsay.thrift.SubscribeRequest tr = ThriftConvert.subscribe(core.request());
    dev.hearsay.thrift.CursorPosition tp = tr.getResumeFrom().getPositions().get(0);
    assertEquals(List.of(4L, 7L), List.of(tp.getEpoch(), tp.getSequence()));
  }
}

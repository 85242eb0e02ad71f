package dev.hearsay.client;

import static dev.hearsay.client.Fixtures.GREETING;
import static dev.hearsay.client.Fixtures.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.test.proto.Greeting;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Subscriptions that stop and resume: by hand with a cursor, and by themselves when their gateway dies. */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ResumeTest {
  private static final Duration WAIT = Duration.ofSeconds(45);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aCrashedGatewayComesBackAndTheSubscriptionResumesWithoutLossOrRepeats(Transport t) throws Exception {
    Path dir = Files.createTempDirectory("hearsay-java-resume-");
    GatewayProcess a = GatewayProcess.start("java-ra-" + t.name().toLowerCase());
    GatewayProcess b = null;
    try {
      b = GatewayProcess.start("java-rb-" + t.name().toLowerCase(), "--join", a.gossipAddress, "--data-dir", dir.toString());
      Wait.members(a, 2);
      List<HearsayException> retries = new CopyOnWriteArrayList<>();
      Collector<Delivery<Greeting>> got = new Collector<>();
      try (HearsayClient pub = a.client(t);
          HearsayClient sub = b.client(t)) {
        pub.registerType(Greeting.getDescriptor());
        Wait.until(Duration.ofSeconds(20), "the type known at b", () -> !sub.listTypes(GREETING).isEmpty());
        SubscriptionRequest<Greeting> req =
            SubscriptionRequest.of(Greeting.class)
                .reconnect(Reconnect.backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
                .onRetry((e, attempt, delay) -> retries.add(e));
        try (Subscription<Greeting> s = sub.subscribe(req, got)) {
          s.started().get(20, TimeUnit.SECONDS);
          List<PublishResult> sent = new ArrayList<>();
          for (int i = 1; i <= 10; i++) sent.add(pub.publish(greeting(i)));
          got.await(10, WAIT);
          b = b.restart(true); // SIGKILL: the connection breaks without a goodbye
          for (int i = 11; i <= 20; i++) sent.add(pub.publish(greeting(i)));
          Wait.members(b, 2);
          for (int i = 21; i <= 30; i++) sent.add(pub.publish(greeting(i)));
          try {
            got.await(30, WAIT);
          } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; retries " + retries + "; ended " + got.ended.getNow(null), e);
          }
          Thread.sleep(500); // anything repeated would arrive now
          List<DigestDelivery<Greeting>> ds = Collector.digests(got.items());
          assertEquals(sent.stream().map(PublishResult::id).toList(), ds.stream().map(DigestDelivery::id).toList());
          assertFalse(retries.isEmpty(), "the subscription had to reconnect");
          assertTrue(s.isOpen());
        }
      }
      assertEquals(null, got.ended.get(10, TimeUnit.SECONDS), "closed cleanly");
    } finally {
      if (b != null) b.close();
      a.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void resubscribingFromASavedCursorGetsWhatWasMissedOnce(Transport t) throws Exception {
    try (GatewayProcess g = GatewayProcess.start("java-rc-" + t.name().toLowerCase());
        HearsayClient c = g.client(t)) {
      c.registerType(Greeting.getDescriptor());
      String saved;
      try (SubscriptionIterator<Greeting> it = c.subscribe(SubscriptionRequest.of(Greeting.class))) {
        it.started().get(20, TimeUnit.SECONDS);
        // "latest": no backlog, so caught up without reading anything (the marker is not delivered).
        assertTrue(it.awaitCaughtUp(WAIT), "caught up");
        for (int i = 1; i <= 5; i++) c.publish(greeting(i));
        for (int i = 1; i <= 5; i++) assertEquals("hello " + i, ((DigestDelivery<Greeting>) it.next()).message().getText());
        saved = it.cursor().toJson();
      }
      for (int i = 6; i <= 10; i++) c.publish(greeting(i));
      try (SubscriptionIterator<Greeting> it =
          c.subscribe(SubscriptionRequest.of(Greeting.class).resumeFrom(Cursor.fromJson(saved)).includeCaughtUp(true))) {
        for (int i = 6; i <= 10; i++) {
          DigestDelivery<Greeting> d = assertInstanceOf(DigestDelivery.class, it.poll(WAIT));
          assertEquals("hello " + i, d.message().getText());
        }
        // The backlog was the five missed: the marker follows them, in order, and what follows is live.
        CaughtUpDelivery<Greeting> m = assertInstanceOf(CaughtUpDelivery.class, it.poll(WAIT));
        assertEquals(5, m.backlogDigests());
        assertEquals(it.cursor(), m.cursor());
        assertTrue(it.isCaughtUp());
        assertEquals(null, it.poll(Duration.ofMillis(500)));
        c.publish(greeting(11));
        assertEquals("hello 11", ((DigestDelivery<Greeting>) it.poll(WAIT)).message().getText());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void withoutAGatewayAStreamRetriesWithBackoffOrEndsWhenToldNotTo(Transport t) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (HearsayClient c =
        HearsayClient.builder().address("127.0.0.1", port).transport(t).callTimeout(Duration.ofSeconds(2)).build()) {
      Collector<Delivery<Greeting>> once = new Collector<>();
      c.subscribe(SubscriptionRequest.of(Greeting.class).reconnect(Reconnect.NEVER), once);
      assertInstanceOf(UnavailableException.class, once.ended.get(20, TimeUnit.SECONDS));

      List<Long> delays = new CopyOnWriteArrayList<>();
      Collector<Delivery<Greeting>> retrying = new Collector<>();
      Subscription<Greeting> s =
          c.subscribe(
              SubscriptionRequest.of(Greeting.class)
                  .reconnect(Reconnect.backoff(Duration.ofMillis(10), Duration.ofMillis(40)))
                  .onRetry((e, attempt, delay) -> {
                    assertInstanceOf(UnavailableException.class, e);
                    delays.add(delay);
                  }),
              retrying);
      Wait.until(Duration.ofSeconds(20), "4 retries", () -> delays.size() >= 4);
      s.close();
      assertEquals(null, retrying.ended.get(10, TimeUnit.SECONDS));
      assertTrue(delays.stream().allMatch(d -> d >= 5 && d <= 40), "delays " + delays);
      assertTrue(s.started().isCompletedExceptionally());
    }
  }

  @Test
  void aQuietSubscriptionLivesOnTheGatewaysKeepAlives() throws Exception {
    try (GatewayProcess g = GatewayProcess.start("java-rq");
        HearsayClient c = g.client(Transport.GRPC)) {
      c.registerType(Greeting.getDescriptor());
      List<HearsayException> retries = new CopyOnWriteArrayList<>();
      // Reopened after 3 silent keep-alive periods + 5 s: 8 s here.
      try (SubscriptionIterator<Greeting> it =
          c.subscribe(SubscriptionRequest.of(Greeting.class).keepAlive(Duration.ofSeconds(1)).onRetry((e, a, d) -> retries.add(e)))) {
        it.started().get(20, TimeUnit.SECONDS);
        assertEquals(null, it.poll(Duration.ofSeconds(9)));
        assertEquals(List.of(), retries);
        c.publish(greeting(1));
        assertEquals("hello 1", ((DigestDelivery<Greeting>) it.poll(WAIT)).message().getText());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anOriginRestartedWithoutItsDataStartsANewerEpochThatASavedCursorResumesInto(Transport t) throws Exception {
    Path dir = Files.createTempDirectory("hearsay-java-epoch-");
    GatewayProcess g = GatewayProcess.start("java-re-" + t.name().toLowerCase(), "--data-dir", dir.toString());
    try {
      Cursor saved;
      long firstEpoch;
      try (HearsayClient c = g.client(t)) {
        c.registerType(Greeting.getDescriptor());
        try (SubscriptionIterator<Greeting> it = c.subscribe(SubscriptionRequest.of(Greeting.class))) {
          it.started().get(20, TimeUnit.SECONDS);
          for (int i = 1; i <= 3; i++) c.publish(greeting(i));
          DigestDelivery<Greeting> last = null;
          for (int i = 1; i <= 3; i++) last = assertInstanceOf(DigestDelivery.class, it.poll(WAIT));
          firstEpoch = last.epoch();
          assertEquals(3, last.streamSequence());
          assertEquals(g.node + ":" + last.epochString() + ":" + last.sequenceString(), last.id());
          saved = it.cursor();
        }
      }
      // Restarted on a fresh disk: the data dir's content is gone.
      g.close();
      deleteContents(dir);
      g = g.restart(false);
      try (HearsayClient c = g.client(t)) {
        c.registerType(Greeting.getDescriptor());
        List<PublishResult> sent = new ArrayList<>();
        for (int i = 4; i <= 5; i++) sent.add(c.publish(greeting(i)));
        try (SubscriptionIterator<Greeting> it =
            c.subscribe(SubscriptionRequest.of(Greeting.class).resumeFrom(saved))) {
          for (int i = 0; i < 2; i++) {
            Delivery<Greeting> next = it.poll(WAIT);
            // Nobody remembers the rest of the old epoch: a gap may say so (through its unknown end).
            while (next instanceof GapDelivery<Greeting> gap) {
              assertTrue(gap.ranges().stream().allMatch(r -> r.epoch() == firstEpoch), gap.toString());
              next = it.poll(WAIT);
            }
            DigestDelivery<Greeting> d = assertInstanceOf(DigestDelivery.class, next);
            assertEquals(sent.get(i).id(), d.id());
            assertTrue(Long.compareUnsigned(d.epoch(), firstEpoch) > 0, "a newer epoch: " + d.epoch() + " > " + firstEpoch);
            assertEquals(i + 1, d.streamSequence(), "stream sequences start again at 1");
          }
          assertEquals(null, it.poll(Duration.ofMillis(500)));
          CursorPosition p = it.cursor().position(g.node, GREETING).orElseThrow();
          assertTrue(Long.compareUnsigned(p.epoch(), firstEpoch) > 0);
          assertEquals(2, p.sequence());
        }
      }
    } finally {
      g.close();
      deleteContents(dir);
      Files.deleteIfExists(dir);
    }
  }

  private static void deleteContents(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) if (!p.equals(dir)) Files.delete(p);
    }
  }
}

package dev.hearsay.client;

import static dev.hearsay.client.Fixtures.GREETING;
import static dev.hearsay.client.Fixtures.after;
import static dev.hearsay.client.Fixtures.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.client.LiveCluster.Cluster;
import dev.hearsay.test.proto.Greeting;
import dev.hearsay.test.thrift.Point;
import dev.hearsay.test.thrift.Reading;
import dev.hearsay.test.thrift.Unit;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Register, publish and subscribe across three real gateways, over gRPC and over Thrift. */
@ExtendWith(LiveCluster.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PubSubTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void registersFromADescriptorWithItsImports(Transport t, Cluster c) {
    try (HearsayClient client = c.g1().client(t)) {
      RegisteredType first = client.registerType(Greeting.getDescriptor(), RegisterOptions.description("sdk test"));
      RegisteredType again = client.registerType(Greeting.getDescriptor(), RegisterOptions.description("sdk test"));
      assertFalse(again.created(), "identical re-registration");
      assertEquals(GREETING, again.type().name());
      assertEquals(SchemaFormat.PROTO_DESCRIPTOR_SET, again.type().format());
      assertEquals(first.type().fingerprint(), again.type().fingerprint());
      assertTrue(again.type().fingerprint().matches("[0-9a-f]{64}"));
      assertEquals(again.type().fingerprint(), client.getType(GREETING).fingerprint());
      assertTrue(client.listTypes("sdk.test.").stream().anyMatch(x -> x.name().equals(GREETING)));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aDigestPublishedAtOneGatewayReachesListenersAtTheOthers(Transport t, Cluster c) throws Exception {
    try (HearsayClient pub = c.g1().client(t);
        HearsayClient sub2 = c.g2().client(t);
        HearsayClient sub3 = c.g3().client(t)) {
      pub.registerType(Greeting.getDescriptor());
      Cursor from = after(pub, GREETING, () -> pub.publish(greeting(-1)));
      Collector<Delivery<Greeting>> at2 = new Collector<>();
      Collector<Delivery<Greeting>> at3 = new Collector<>();
      SubscriptionRequest<Greeting> req = SubscriptionRequest.of(Greeting.class).resumeFrom(from).includeJson(true);
      try (Subscription<Greeting> s2 = sub2.subscribe(req, at2);
          Subscription<Greeting> s3 = sub3.subscribe(req, at3)) {
        assertFalse(s2.started().get(20, TimeUnit.SECONDS).isEmpty());
        s3.started().get(20, TimeUnit.SECONDS);
        long before = System.currentTimeMillis();
        PublishResult r = pub.publish(greeting(42), Map.of("lang", "java"));
        long epoch = from.positions().get(0).epoch();
        assertTrue(epoch != 0, "digests carry their origin's epoch");
        assertEquals(c.g1().node + ":" + Long.toUnsignedString(epoch) + ":" + r.sequenceString(), r.id());
        for (Collector<Delivery<Greeting>> col : List.of(at2, at3)) {
          DigestDelivery<Greeting> d = (DigestDelivery<Greeting>) col.await(1, WAIT).get(0);
          assertEquals(epoch, d.epoch());
          assertEquals(from.positions().get(0).sequence() + 1, d.streamSequence(), "gapless per (origin, epoch, type)");
          assertEquals(Delivery.Kind.DIGEST, d.kind());
          assertEquals(greeting(42), d.message());
          assertEquals(r.id(), d.id());
          assertEquals(c.g1().node, d.origin());
          assertEquals(r.sequence(), d.sequence());
          assertEquals(GREETING, d.type());
          assertEquals(Map.of("lang", "java"), d.headers());
          assertTrue(Math.abs(d.publishTimeMs() - before) < 60_000, "publish time " + d.publishTimeMs());
          assertEquals(greeting(42), Greeting.parseFrom(d.payload()));
          assertTrue(d.json().orElseThrow().contains("\"hello 42\""), d.json().orElse(""));
          assertEquals(List.of(new CursorPosition(c.g1().node, GREETING, d.streamSequence(), epoch)), d.cursor().positions());
        }
        assertEquals(at2.items().get(0).cursor(), s2.cursor());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void theBatchingPublishersDigestsArriveInOrderExactlyOnce(Transport t, Cluster c) throws Exception {
    int n = 3_000;
    try (HearsayClient pub = c.g1().client(t);
        HearsayClient sub = c.g3().client(t)) {
      pub.registerType(Greeting.getDescriptor());
      Cursor from = after(pub, GREETING, () -> pub.publish(greeting(-1)));
      try (SubscriptionIterator<Greeting> it = sub.subscribe(SubscriptionRequest.of(Greeting.class).resumeFrom(from))) {
        it.started().get(20, TimeUnit.SECONDS);
        List<CompletableFuture<PublishResult>> acks = new ArrayList<>();
        try (Publisher p = pub.publisher(PublisherOptions.DEFAULTS.maxBatch(200))) {
          for (int i = 0; i < n; i++) acks.add(p.publish(greeting(i)));
          p.flush().get(60, TimeUnit.SECONDS); // results of what was still pending
          assertEquals(0, p.pendingCount());
        }
        List<PublishResult> results = acks.stream().map(CompletableFuture::join).toList();
        for (int i = 1; i < n; i++) assertEquals(results.get(i - 1).sequence() + 1, results.get(i).sequence());
        long streamSeq = from.positions().get(0).sequence();
        for (int i = 0; i < n; i++) {
          Delivery<Greeting> d = it.poll(WAIT);
          assertNotNull(d, "delivery " + i + " of " + n);
          DigestDelivery<Greeting> dd = assertInstanceOf(DigestDelivery.class, d);
          assertEquals(results.get(i).id(), dd.id());
          assertEquals("hello " + i, dd.message().getText());
          assertEquals(++streamSeq, dd.streamSequence());
        }
        assertEquals(null, it.poll(Duration.ofMillis(500)), "nothing more");
        assertEquals(new CursorPosition(c.g1().node, GREETING, streamSeq, from.positions().get(0).epoch()),
            it.cursor().positions().get(0));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aFlowSubscriberGetsWhatItRequests(Transport t, Cluster c) throws Exception {
    try (HearsayClient pub = c.g1().client(t);
        HearsayClient sub = c.g2().client(t)) {
      pub.registerType(Greeting.getDescriptor());
      Cursor from = after(pub, GREETING, () -> pub.publish(greeting(-1)));
      for (int i = 0; i < 5; i++) pub.publish(greeting(i));
      List<Delivery<Greeting>> got = new ArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Flow.Publisher<Delivery<Greeting>> flow = sub.subscribeFlow(SubscriptionRequest.of(Greeting.class).resumeFrom(from));
      flow.subscribe(
          new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
              this.s = s;
              s.request(1);
            }

            @Override
            public void onNext(Delivery<Greeting> d) {
              got.add(d);
              if (got.size() == 5) s.cancel();
              else s.request(1);
            }

            @Override
            public void onError(Throwable e) {
              done.completeExceptionally(e);
            }

            @Override
            public void onComplete() {
              done.complete(null);
            }
          });
      Wait.until(WAIT, "5 flow deliveries", () -> got.size() >= 5 || done.isDone());
      assertEquals(5, got.size());
      for (int i = 0; i < 5; i++) {
        assertEquals("hello " + i, ((DigestDelivery<Greeting>) got.get(i)).message().getText());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void thriftStructsRegisterPublishAndDecode(Transport t, Cluster c) throws Exception {
    try (HearsayClient pub = c.g1().client(t);
        HearsayClient sub = c.g3().client(t)) {
      RegisteredType rt = pub.registerType(Reading.class);
      assertEquals("dev.hearsay.test.thrift.Reading", rt.type().name());
      assertEquals(SchemaFormat.THRIFT_IDL, rt.type().format());
      Reading reading =
          new Reading("s-1")
              .setValue(21.5)
              .setAtMs(Long.MAX_VALUE)
              .setPoints(List.of(new Point(1, 2)))
              .setUnit(Unit.KELVIN)
              .setCounts(Map.of("a", 1))
              .setRaw(ByteBuffer.wrap(new byte[] {0, (byte) 0xff}));
      Cursor from = after(pub, rt.type().name(), () -> pub.publish(new Reading("marker")));
      Collector<Delivery<Reading>> got = new Collector<>();
      try (Subscription<Reading> s =
          sub.subscribe(SubscriptionRequest.of(Reading.class).resumeFrom(from).includeJson(true), got)) {
        s.started().get(20, TimeUnit.SECONDS);
        pub.publish(reading);
        DigestDelivery<Reading> d = (DigestDelivery<Reading>) got.await(1, WAIT).get(0);
        assertEquals(reading, d.message());
        assertTrue(d.json().orElseThrow().contains("\"KELVIN\""), d.json().orElse(""));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void typesFromFilesJsonBodiesRawBytesAndAsyncPublishes(Transport t, Cluster c) throws Exception {
    Path interop = Repo.root().resolve("clients/interop/interop.proto");
    try (HearsayClient client = c.g2().client(t)) {
      RegisteredType rt = client.registerTypeFromFile(interop, "hearsay.interop.v1.InteropRecord");
      assertEquals(SchemaFormat.PROTO_SOURCE, rt.type().format());
      String type = "hearsay.interop.v1.InteropRecord";
      Cursor from = after(client, type, () -> client.publishJson(type, "{\"run\":\"marker\"}"));
      try (SubscriptionIterator<Object> it =
          client.subscribe(SubscriptionRequest.ofNames(type).resumeFrom(from).includeJson(true))) {
        it.started().get(20, TimeUnit.SECONDS);
        client.publishJson(type, "{\"run\":\"json\",\"seq\":\"18446744073709551615\"}");
        byte[] raw = {10, 3, 'r', 'a', 'w'}; // field 1 (run) = "raw"
        PublishResult async = client.publishAsync(type, raw, Map.of()).get(20, TimeUnit.SECONDS);
        DigestDelivery<Object> j = (DigestDelivery<Object>) it.poll(WAIT);
        assertTrue(j.json().orElseThrow().contains("\"18446744073709551615\""), j.json().orElse(""));
        assertEquals(null, j.message(), "subscribed by name: no codec, no message");
        DigestDelivery<Object> b = (DigestDelivery<Object>) it.poll(WAIT);
        assertEquals(async.id(), b.id());
        assertEquals(ByteBuffer.wrap(raw), b.payloadBuffer());
      }
      // Maven runs the tests in clients/java.
      RegisteredType tt = client.registerTypeFromFile(Path.of("src/test/thrift/reading.thrift"), "reading.Reading");
      assertEquals(SchemaFormat.THRIFT_IDL, tt.type().format());
    }
  }
}

package dev.hearsay.client;

import dev.hearsay.test.proto.Greeting;
import dev.hearsay.test.proto.Tag;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test messages and the cursor right after a published digest. */
final class Fixtures {
  private Fixtures() {}

  static final String GREETING = "sdk.test.Greeting";

  static Greeting greeting(long i) {
    return Greeting.newBuilder()
        .setText("hello " + i)
        .setN(i)
        .addTags(Tag.newBuilder().setKey("k").setValue("v" + (i % 3)))
        .build();
  }

  /** Publishes a marker digest. */
  interface Marker {
    PublishResult publish() throws Exception;
  }

  /**
   * Resume right after a marker, so digests of earlier tests stay out. Cursors speak in
   * (epoch, stream sequence), which a publish result does not carry: the marker is read
   * back through a subscription at the publishing gateway and its cursor taken.
   */
  static Cursor after(HearsayClient client, String type, Marker marker) throws Exception {
    try (SubscriptionIterator<Object> it = client.subscribe(SubscriptionRequest.ofNames(type))) {
      it.started().get(20, TimeUnit.SECONDS);
      PublishResult r = marker.publish();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Delivery<Object> d = it.poll(Duration.ofSeconds(1));
        if (d instanceof DigestDelivery<Object> dd && dd.id().equals(r.id())) {
          return new Cursor(List.of(dd.cursor().position(r.origin(), type).orElseThrow()));
        }
      }
      throw new AssertionError("marker " + r.id() + " not received");
    }
  }
}

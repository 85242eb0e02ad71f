package dev.hearsay.client;

import dev.hearsay.test.proto.Greeting;
import dev.hearsay.test.proto.Tag;
import java.util.List;

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

  /** Resume right after a marker, so digests of earlier tests stay out. */
  static Cursor after(PublishResult r, String type) {
    return new Cursor(List.of(new CursorPosition(r.origin(), type, r.sequence())));
  }
}

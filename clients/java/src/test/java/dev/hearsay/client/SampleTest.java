package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.examples.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sample client (clients/java/examples) runs its whole tour against a real gateway. */
@ExtendWith(LiveGateway.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SampleTest {

  @Test
  void sampleTalksOverBothTransportsPublishesSubscribesAndWatches(GatewayProcess gw) {
    // Another language's sample ran before: the Java sample prints what it published.
    String earlier = "from the python sample, earlier " + UUID.randomUUID();
    PublishResult published;
    try (HearsayClient c = HearsayClient.builder().address(gw.grpcAddress).build()) {
      c.registerTypeFromFile(Repo.root().resolve("clients/python/examples/hello.proto"), "samples.python.Hello");
      published = c.publishJson("samples.python.Hello", "{\"text\": \"" + earlier + "\", \"n\": 1}");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Sample.run(
            new String[] {"--grpc", gw.grpcAddress},
            Map.of("HEARSAY_THRIFT", gw.thriftAddress),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("(gRPC) who it is -> node " + LiveGateway.NODE), text);
    assertTrue(text.contains("(Thrift) who it is -> node " + LiveGateway.NODE), text);
    assertTrue(text.contains("registered samples.java.Hello"), text);
    assertTrue(text.contains("\"hello, over Thrift\" #5"), text);
    assertTrue(text.contains("members (watchMembers, current): " + LiveGateway.NODE + " (alive)"), text);
    // The earlier digest, once, read from the earliest retained one until caught up.
    List<String> mine = text.lines()
        .filter(l -> l.contains("received from python at " + LiveGateway.NODE + ": ") && l.contains(earlier))
        .toList();
    assertEquals(1, mine.size(), text);
    assertTrue(mine.get(0).endsWith("(" + published.id() + ")"), text);
    assertTrue(text.contains("caught up: ") && text.contains(" digest(s) of the other languages' samples ("), text);
  }

  @Test
  void badArgumentsPrintUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, Sample.run(new String[] {"--nope"}, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage:"));
  }
}

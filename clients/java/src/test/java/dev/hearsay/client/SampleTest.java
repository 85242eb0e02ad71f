package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.examples.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
  }

  @Test
  void badArgumentsPrintUsage() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, Sample.run(new String[] {"--nope"}, Map.of(), System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage:"));
  }
}

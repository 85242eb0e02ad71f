package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.examples.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sample client (clients/java/examples) runs against a real gateway. */
@ExtendWith(LiveGateway.class)
class SampleTest {

  @Test
  void sampleAsksOverBothTransports(GatewayProcess gw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        Sample.run(
            new String[0],
            Map.of("HEARSAY_GRPC", gw.grpcAddress, "HEARSAY_THRIFT", gw.thriftAddress),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8));
    assertTrue(text.contains("(gRPC) who it is -> node " + LiveGateway.NODE), text);
    assertTrue(text.contains("(Thrift) who it is -> node " + LiveGateway.NODE), text);
  }
}

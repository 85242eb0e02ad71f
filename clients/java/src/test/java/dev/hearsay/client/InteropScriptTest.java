package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hearsay.examples.Interop;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interop script (examples/.../Interop.java) as its own publisher and subscriber on a
 * real gateway; the cross-language matrix (test/e2e/interop.test.ts) runs it as a process.
 */
@ExtendWith(LiveGateway.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteropScriptTest {

  /** Collects stdout lines, completing {@code ready} on the "ready" event. */
  private static final class Lines extends OutputStream {
    final List<JsonObject> lines = new ArrayList<>();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      JsonObject o = JsonParser.parseString(line.toString(StandardCharsets.UTF_8)).getAsJsonObject();
      line.reset();
      lines.add(o);
      if (o.get("event").getAsString().equals("ready")) ready.complete(null);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void publishesAndReceivesEveryDerivedFieldIntact(Transport t, GatewayProcess gw) throws Exception {
    String transport = t.name().toLowerCase();
    String run = "self-" + transport + "-" + System.nanoTime();
    Lines sub = new Lines();
    CompletableFuture<Integer> subscribed =
        CompletableFuture.supplyAsync(() -> Interop.run(
            new String[] {"subscribe", "--agent", gw.address(t), "--transport", transport, "--run", run, "--count", "20", "--timeout-ms", "30000"},
            new PrintStream(sub, true, StandardCharsets.UTF_8), System.err));
    sub.ready.get(30, TimeUnit.SECONDS);
    Lines pub = new Lines();
    int rc = Interop.run(
        new String[] {"publish", "--agent", gw.address(t), "--transport", transport, "--run", run, "--count", "20"},
        new PrintStream(pub, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, rc);
    assertEquals("{\"event\":\"published\",\"count\":20}", pub.lines.get(0).toString());
    assertEquals(0, subscribed.get(30, TimeUnit.SECONDS));
    List<JsonObject> records = sub.lines.stream().filter(o -> o.get("event").getAsString().equals("record")).toList();
    assertEquals(20, records.size());
    for (int seq = 0; seq < 20; seq++) {
      JsonObject r = records.get(seq);
      assertEquals(seq, r.get("seq").getAsLong());
      assertEquals("java", r.get("language").getAsString());
      assertEquals("héllo ✓ " + seq, r.get("text").getAsString());
      assertEquals(seq * 0.5, r.get("value").getAsDouble());
      assertEquals(String.format("%02x%02xff", seq % 256, (seq * 7) % 256), r.get("blob_hex").getAsString());
      assertEquals(String.valueOf(seq), r.getAsJsonObject("attrs").get("k").getAsString());
    }
    assertEquals("done", sub.lines.get(sub.lines.size() - 1).get("event").getAsString());
  }

  @Test
  void aSubscriberWithNothingToReceiveTimesOutWithExitCode3(GatewayProcess gw) {
    Lines sub = new Lines();
    int rc = Interop.run(
        new String[] {"subscribe", "--agent", gw.grpcAddress, "--run", "nobody", "--count", "1", "--timeout-ms", "1500"},
        new PrintStream(sub, true, StandardCharsets.UTF_8), System.err);
    assertEquals(3, rc);
    assertTrue(sub.lines.get(sub.lines.size() - 1).toString().contains("\"timeout\""));
    assertEquals(2, Interop.run(new String[] {"publish", "--count", "x"}, System.out, new PrintStream(new ByteArrayOutputStream())));
  }
}

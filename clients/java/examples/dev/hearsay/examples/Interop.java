package dev.hearsay.examples;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import dev.hearsay.client.Delivery;
import dev.hearsay.client.DigestDelivery;
import dev.hearsay.client.GapDelivery;
import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.HearsayException;
import dev.hearsay.client.Publisher;
import dev.hearsay.client.PublisherOptions;
import dev.hearsay.client.SubscriptionIterator;
import dev.hearsay.client.SubscriptionRequest;
import dev.hearsay.client.Transport;
import hearsay.interop.v1.Interop.InteropRecord;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cross-language interop script (clients/interop/interop.proto, test/e2e/interop.test.ts):
 *
 * <pre>
 * Interop publish   --agent HOST:PORT --transport grpc|thrift --run RUN --count N
 * Interop subscribe --agent HOST:PORT --transport grpc|thrift --run RUN --count N --timeout-ms MS
 * </pre>
 *
 * Both register the type from the .proto file first. One JSON line per event on stdout
 * (UTF-8, flushed). Exit codes: 0 done, 1 failure, 2 usage, 3 subscribe timed out.
 */
public final class Interop {
  static final String TYPE = "hearsay.interop.v1.InteropRecord";

  private Interop() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.exit(run(args, out, System.err));
  }

  /** The record {@code seq} of a run, every field derived from seq as interop.proto says. */
  static InteropRecord record(String run, long seq) {
    return InteropRecord.newBuilder()
        .setRun(run)
        .setLanguage("java")
        .setSeq(seq)
        .setText("héllo ✓ " + Long.toUnsignedString(seq))
        .setBlob(ByteString.copyFrom(new byte[] {(byte) (seq % 256), (byte) ((seq * 7) % 256), (byte) 255}))
        .setValue(seq * 0.5)
        .putAttrs("k", Long.toUnsignedString(seq))
        .build();
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args.length % 2 != 1) return usage(err);
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) return usage(err);
      flags.put(args[i].substring(2), args[i + 1]);
    }
    String mode = args[0];
    String run = flags.getOrDefault("run", "");
    Transport transport;
    long count;
    long timeoutMs;
    try {
      transport = Transport.valueOf(flags.getOrDefault("transport", "grpc").toUpperCase());
      count = Long.parseLong(flags.getOrDefault("count", "-1"));
      timeoutMs = Long.parseLong(flags.getOrDefault("timeout-ms", "60000"));
    } catch (IllegalArgumentException e) {
      return usage(err);
    }
    if (run.isEmpty() || count < 0 || timeoutMs < 1 || !(mode.equals("publish") || mode.equals("subscribe"))) {
      return usage(err);
    }
    try (HearsayClient client =
        HearsayClient.builder().address(flags.getOrDefault("agent", "127.0.0.1:7400")).transport(transport).build()) {
      client.registerTypeFromFile(protoFile(), TYPE);
      return mode.equals("publish") ? publish(client, run, count, out) : subscribe(client, run, count, timeoutMs, out);
    } catch (HearsayException | IllegalArgumentException | IllegalStateException e) {
      err.println("interop (java): " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private static int publish(HearsayClient client, String run, long count, PrintStream out) throws InterruptedException {
    try (Publisher p = client.publisher(PublisherOptions.DEFAULTS.maxBatch(256).linger(Duration.ofMillis(2)))) {
      for (long seq = 0; seq < count; seq++) p.publish(record(run, seq));
      p.flush().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("publishing failed: " + e.getCause(), e);
    }
    JsonObject o = new JsonObject();
    o.addProperty("event", "published");
    o.addProperty("count", count);
    out.println(o);
    return 0;
  }

  private static int subscribe(HearsayClient client, String run, long count, long timeoutMs, PrintStream out)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    long received = 0;
    try (SubscriptionIterator<InteropRecord> it = client.subscribe(SubscriptionRequest.of(InteropRecord.class))) {
      try {
        it.started().get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof HearsayException h ? h : new IllegalStateException(e.getCause());
      } catch (java.util.concurrent.TimeoutException e) {
        return timeout(out, received);
      }
      out.println(event("ready"));
      while (received < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return timeout(out, received);
        Delivery<InteropRecord> d = it.poll(Duration.ofNanos(left));
        if (d == null) continue;
        if (d instanceof GapDelivery<InteropRecord> g) {
          JsonObject o = event("gap");
          o.addProperty("reason", g.reason().name());
          o.addProperty("message", g.message());
          out.println(o);
          continue;
        }
        InteropRecord m = ((DigestDelivery<InteropRecord>) d).message();
        if (m == null || !m.getRun().equals(run)) continue;
        JsonObject o = event("record");
        o.addProperty("language", m.getLanguage());
        o.addProperty("seq", m.getSeq()); // uint64; seqs of a run are small, so a JSON number
        o.addProperty("text", m.getText());
        o.addProperty("value", m.getValue());
        o.addProperty("blob_hex", HexFormat.of().formatHex(m.getBlob().toByteArray()));
        JsonObject attrs = new JsonObject();
        m.getAttrsMap().forEach(attrs::addProperty);
        o.add("attrs", attrs);
        out.println(o);
        received++;
      }
    }
    JsonObject done = event("done");
    done.addProperty("received", received);
    out.println(done);
    return 0;
  }

  private static int timeout(PrintStream out, long received) {
    JsonObject o = event("timeout");
    o.addProperty("received", received);
    out.println(o);
    return 3;
  }

  private static JsonObject event(String name) {
    JsonObject o = new JsonObject();
    o.addProperty("event", name);
    return o;
  }

  /** clients/interop/interop.proto, from the repo root or clients/java. */
  static Path protoFile() {
    for (String p : new String[] {"clients/interop/interop.proto", "../interop/interop.proto"}) {
      if (Files.isRegularFile(Path.of(p))) return Path.of(p);
    }
    throw new IllegalStateException("clients/interop/interop.proto not found: run from the repo root");
  }

  private static int usage(PrintStream err) {
    err.println("usage: Interop publish|subscribe --agent HOST:PORT --transport grpc|thrift --run RUN --count N [--timeout-ms MS]");
    return 2;
  }
}

package dev.hearsay.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.SourceFormat;
import dev.hearsay.client.Subscription;
import dev.hearsay.client.SubscriptionRequest;
import dev.hearsay.client.Transport;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Java SDK benchmark (issue #7): two real gateways on loopback, publish at gateway 1 and
 * subscribe at gateway 2 through the SDK, 256-byte payloads. (a) flat-out throughput for
 * --count digests or --max-s seconds, whichever first; (b) p50/p99 publish-to-delivery
 * latency at --rate digests/s for --latency-s seconds. Prints a Markdown table and
 * writes it to bench/sdk-java/RESULTS.md. Bounded: every wait has a timeout; the
 * gateways are stopped in a finally.
 */
public final class Main {
  private record Options(long count, long unaryCount, int maxS, int payload, int rate, int latencyS, Path markdown) {}

  private record Case(String name, Transport transport, Function<HearsayClient, Sender> sender, long count) {}

  private record Row(
      String name, double acks, double throughput, boolean complete, double[] latency, long gaps, long failed, double cpu) {}

  private static final String USAGE = """
      usage: bench/sdk-java/run.sh [flags]
        --count N        digests per throughput run (default 100000)
        --unary-count N  digests for the unary Publish throughput run (default 20000)
        --max-s S        longest a throughput run publishes (default 20)
        --payload B      payload bytes (default 256)
        --rate R         paced latency run, digests/s (default 2000)
        --latency-s S    paced latency run length (default 10)
        --markdown FILE  also write the table there (default bench/sdk-java/RESULTS.md)""";

  public static void main(String[] args) throws Exception {
    Path root = Path.of(System.getProperty("hearsay.repo", ".")).toAbsolutePath().normalize();
    Options o = options(args, root);
    Blob codec = new Blob(o.payload());
    List<Case> cases = List.of(
        new Case("gRPC, Publisher (PublishStream)", Transport.GRPC, c -> Sender.batching(c, codec, 1024, Duration.ofMillis(1)), o.count()),
        new Case("gRPC, publishAsync (64 in flight)", Transport.GRPC, c -> Sender.unary(c, codec, 64), o.unaryCount()),
        new Case("Thrift, Publisher (publishBatch)", Transport.THRIFT, c -> Sender.batching(c, codec, 1024, Duration.ofMillis(1)), o.count()));
    String machine = Machine.describe(root);
    List<Row> rows = new ArrayList<>();
    try (Gateways gws = new Gateways(root)) {
      Gateways.Agent g1 = gws.start("bench-j1", null);
      Gateways.Agent g2 = gws.start("bench-j2", g1.gossip());
      try (HearsayClient admin = HearsayClient.builder().address(g1.grpc()).build()) {
        admin.registerTypeFromSource(Blob.TYPE, Map.of("bench/java/blob.proto", Blob.PROTO), SourceFormat.PROTO);
        waitFor(Duration.ofSeconds(30), () -> admin.members().size() == 2);
      }
      for (Case c : cases) {
        System.err.println("bench: " + c.name() + " ...");
        rows.add(run(c, g1, g2, codec, o));
      }
    }
    String table = table(rows, o, machine);
    System.out.println(table);
    Files.writeString(o.markdown(), table);
  }

  private static Row run(Case c, Gateways.Agent g1, Gateways.Agent g2, Blob codec, Options o) throws Exception {
    String at1 = c.transport() == Transport.GRPC ? g1.grpc() : g1.thrift();
    String at2 = c.transport() == Transport.GRPC ? g2.grpc() : g2.thrift();
    Receiver rx = new Receiver();
    try (HearsayClient pub = HearsayClient.builder().address(at1).transport(c.transport()).build();
        HearsayClient sub = HearsayClient.builder().address(at2).transport(c.transport()).build();
        Subscription<Blob.Msg> s = sub.subscribe(SubscriptionRequest.of(codec).maxQueued(65_536), rx);
        Sender tx = c.sender().apply(pub)) {
      s.started().get(30, TimeUnit.SECONDS);
      warmUp(tx, rx);

      // (a) throughput: flat out for count digests or maxS seconds.
      String run = "tp-" + System.nanoTime();
      rx.expect(run);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long acked0 = tx.acked.get();
      long t0 = System.nanoTime();
      long stopAt = t0 + TimeUnit.SECONDS.toNanos(o.maxS());
      long sent = 0;
      while (sent < c.count() && System.nanoTime() < stopAt && tx.send(run)) sent++;
      long target = sent;
      boolean complete = waitFor(Duration.ofSeconds(60), () -> rx.received() >= target);
      long t1 = Math.max(rx.lastNanos(), t0 + 1);
      double cpu = 100.0 * (os.getProcessCpuTime() - cpu0) / (t1 - t0);
      double throughput = rx.received() * 1e9 / (t1 - t0);
      waitFor(Duration.ofSeconds(30), () -> tx.acked.get() - acked0 >= target);
      double acks = (tx.acked.get() - acked0) * 1e9 / Math.max(1, tx.lastAckNanos - t0);

      // (b) latency at a paced rate.
      String lat = "lat-" + System.nanoTime();
      rx.expect(lat);
      long l0 = System.nanoTime();
      long total = (long) o.rate() * o.latencyS();
      long n = 0;
      while (n < total) {
        long due = Math.min(total, (System.nanoTime() - l0) * o.rate() / 1_000_000_000L + 1);
        while (n < due && tx.send(lat)) n++;
        Thread.sleep(1);
      }
      long latTarget = n;
      waitFor(Duration.ofSeconds(30), () -> rx.received() >= latTarget);
      return new Row(c.name(), acks, throughput, complete && rx.received() >= latTarget, rx.latencyMs(), rx.gaps(), tx.failed.get(), cpu);
    }
  }

  /** Some digests first, so connections, JIT and interest propagation are in place. */
  private static void warmUp(Sender tx, Receiver rx) throws InterruptedException {
    String run = "warm-" + System.nanoTime();
    rx.expect(run);
    for (int i = 0; i < 2_000; i++) tx.send(run);
    waitFor(Duration.ofSeconds(30), () -> rx.received() >= 2_000);
  }

  private static boolean waitFor(Duration timeout, java.util.function.BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      Thread.sleep(2);
    }
    return true;
  }

  private static String table(List<Row> rows, Options o, String machine) {
    StringBuilder b = new StringBuilder();
    b.append("### Java SDK: publish at gateway 1 -> subscribe at gateway 2 (").append(o.payload()).append("-byte payloads)\n\n");
    b.append("Machine: ").append(machine).append(".\n");
    b.append("Two `hearsay agent` processes (profile local) on loopback; the benchmark JVM runs publisher and subscriber. ");
    b.append("Throughput: up to ").append(o.count()).append(" digests (").append(o.unaryCount()).append(" unary) or ")
        .append(o.maxS()).append(" s flat out, delivered / (last delivery - first publish). Latency: ")
        .append(o.rate()).append(" digests/s for ").append(o.latencyS())
        .append(" s; publish-to-delivery = receiver clock - the digest's publish time (ms resolution); send-to-delivery = receiver clock - send time stamped in the payload.\n\n");
    b.append("| transport | throughput (digests/s) | all delivered | p50 publish-to-delivery at ").append(o.rate())
        .append("/s (ms) | p99 (ms) | max (ms) | p50 send-to-delivery (ms) | p99 (ms) | publish acks/s | gaps | failed publishes | bench CPU (% of a core, throughput run) | load |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append(String.format("| %s | %,.0f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %,.0f | %d | %d | %.0f | %s |%n",
          r.name(), r.throughput(), r.complete() ? "yes" : "no", r.latency()[0], r.latency()[1], r.latency()[2],
          r.latency()[3], r.latency()[4], r.acks(), r.gaps(), r.failed(), r.cpu(), Machine.load()));
    }
    return b.toString();
  }

  private static Options options(String[] args, Path root) {
    long count = 100_000, unary = 20_000;
    int maxS = 20, payload = 256, rate = 2_000, latencyS = 10;
    Path md = root.resolve("bench/sdk-java/RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (k.equals("--help")) {
        System.out.println(USAGE);
        System.exit(0);
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(k + ": needs a value\n" + USAGE);
      String v = args[++i];
      switch (k) {
        case "--count" -> count = num(k, v, 1, 10_000_000);
        case "--unary-count" -> unary = num(k, v, 1, 1_000_000);
        case "--max-s" -> maxS = (int) num(k, v, 1, 600);
        case "--payload" -> payload = (int) num(k, v, 32, 16_000);
        case "--rate" -> rate = (int) num(k, v, 1, 1_000_000);
        case "--latency-s" -> latencyS = (int) num(k, v, 1, 600);
        case "--markdown" -> md = Path.of(v);
        default -> throw new IllegalArgumentException("unknown flag " + k + "\n" + USAGE);
      }
    }
    return new Options(count, unary, maxS, payload, rate, latencyS, md);
  }

  private static long num(String flag, String v, long min, long max) {
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(flag + ": an integer " + min + "-" + max + ", got " + v);
  }
}

package dev.hearsay.bench;

import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.SourceFormat;
import dev.hearsay.client.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Java SDK benchmark (issue #7): two real gateways on loopback; a publisher JVM publishes at
 * gateway 1 and a separate subscriber JVM subscribes at gateway 2 through the SDK, 256-byte
 * payloads. This JVM (the coordinator) starts the gateways and, per case, the two role JVMs
 * (`Main --role publisher|subscriber`, see {@link CaseRun}), measures (a) flat-out
 * throughput with each process's CPU and (b) p50/p99 latency at a paced rate, prints
 * Markdown tables and writes them to bench/sdk-java/RESULTS.md. Bounded: every wait has a
 * timeout; role JVMs and gateways are stopped in a finally.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--role")) {
      role(args);
      return;
    }
    Path root = Path.of(System.getProperty("hearsay.repo", ".")).toAbsolutePath().normalize();
    Options o = Options.parse(args, root);
    List<CaseRun.Case> cases = List.of(
        new CaseRun.Case("gRPC, Publisher (PublishStream)", Transport.GRPC, "batching", o.count()),
        new CaseRun.Case("gRPC, publishAsync (64 in flight)", Transport.GRPC, "unary", o.unaryCount()),
        new CaseRun.Case("Thrift, Publisher (publishBatch)", Transport.THRIFT, "batching", o.count()));
    String machine = Machine.describe(root);
    List<CaseRun.Row> rows = new ArrayList<>();
    try (Gateways gws = new Gateways(root)) {
      Gateways.Agent g1 = gws.start("bench-j1", null);
      Gateways.Agent g2 = gws.start("bench-j2", g1.gossip());
      try (HearsayClient admin = HearsayClient.builder().address(g1.grpc()).build()) {
        admin.registerTypeFromSource(Blob.TYPE, Map.of("bench/java/blob.proto", Blob.PROTO), SourceFormat.PROTO);
        Wait.until(Duration.ofSeconds(30), () -> admin.members().size() == 2);
      }
      for (CaseRun.Case c : cases) {
        System.err.println("bench: " + c.name() + " ...");
        CaseRun.Row r = CaseRun.run(c, g1, g2, o);
        System.err.printf("bench:   %,.0f digests/s; CPU %% of a core: publisher %.0f, subscriber %.0f, gateways %.0f + %.0f%n",
            r.throughput(), r.cpu()[0], r.cpu()[1], r.cpu()[2], r.cpu()[3]);
        rows.add(r);
      }
    }
    String table = Table.render(rows, o, machine);
    System.out.println(table);
    Files.writeString(o.markdown(), table);
  }

  /** A role JVM: {@code --role publisher|subscriber --key value ...}, commands on stdin; exits when done. */
  private static void role(String[] args) {
    int status = 1;
    try {
      if (args.length % 2 != 0) throw new IllegalArgumentException("--role: flags come in pairs");
      Map<String, String> flags = new HashMap<>();
      for (int i = 2; i < args.length; i += 2) flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      switch (args[1]) {
        case "publisher" -> PublisherRole.run(flags);
        case "subscriber" -> SubscriberRole.run(flags);
        default -> throw new IllegalArgumentException("--role: publisher or subscriber, got " + args[1]);
      }
      status = 0;
    } catch (Exception e) {
      e.printStackTrace();
    } finally {
      System.exit(status); // no lingering SDK thread keeps a finished role alive
    }
  }
}

package dev.hearsay.bench;

import dev.hearsay.client.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One case, driven by the coordinator: a subscriber JVM at gateway 2 and a publisher JVM at
 * gateway 1, then a warm-up, the flat-out throughput run (with every process's CPU) and the
 * paced latency run. The role JVMs are ended in a finally (try-with-resources).
 */
final class CaseRun {
  /** A row's case: {@code sender} is "batching" (Publisher) or "unary" (publishAsync, 64 in flight). */
  record Case(String name, Transport transport, String sender, long count) {}

  /** CPU of each process over the throughput run, % of one core: publisher, subscriber, gateway 1, gateway 2, coordinator. */
  record Row(String name, double throughput, boolean complete, double acks, double[] latency, long gaps, long failed,
      double[] cpu, String load) {}

  private record Flat(long sent, long received, long firstPublishUs, long lastDeliveryUs, double acks, long failed, long gaps) {
    double throughput() {
      return received * 1e6 / Math.max(1, lastDeliveryUs - firstPublishUs);
    }
  }

  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration REPLY = Duration.ofSeconds(10);
  /** Longest the subscriber waits for the rest of a run after the publisher is done. */
  private static final Duration DRAIN = Duration.ofSeconds(60);

  private CaseRun() {}

  static Row run(Case c, Gateways.Agent g1, Gateways.Agent g2, Options o) throws Exception {
    boolean grpc = c.transport() == Transport.GRPC;
    List<String> common = List.of("--transport", c.transport().name(), "--payload", String.valueOf(o.payload()));
    try (Child sub = Child.start("subscriber", with(common, "--address", grpc ? g2.grpc() : g2.thrift()), START);
        Child pub = Child.start("publisher", with(common, "--address", grpc ? g1.grpc() : g1.thrift(), "--sender", c.sender()), START)) {
      if (o.warmup() > 0) {
        Flat w = flat(sub, pub, "warm", o.warmup(), o.maxS());
        if (w.received() < w.sent()) System.err.printf("bench:   warm-up delivered %d of %d%n", w.received(), w.sent());
      }
      List<ProcessHandle> procs = List.of(pub.handle(), sub.handle(), g1.process().toHandle(), g2.process().toHandle(),
          ProcessHandle.current());
      long[] cpu0 = Cpu.sample(procs);
      Flat tp = flat(sub, pub, "tp", c.count(), o.maxS());
      long[] cpu1 = Cpu.sample(procs);
      double[] cpu = Cpu.percent(cpu0, cpu1, (tp.lastDeliveryUs() - tp.firstPublishUs()) * 1_000);

      String run = "lat-" + System.nanoTime();
      sub.call("expect " + run, REPLY);
      long sent = Long.parseLong(pub.call("paced " + run + " " + o.rate() + " " + o.latencyS(),
          Duration.ofSeconds(o.latencyS() + 60L))[1]);
      String[] got = sub.call("wait " + sent + " " + DRAIN.toMillis(), DRAIN.plus(REPLY));
      String[] l = sub.call("latency", REPLY);
      double[] latency = new double[6];
      for (int i = 0; i < latency.length; i++) latency[i] = Double.parseDouble(l[i + 1]);
      boolean complete = tp.received() >= tp.sent() && Long.parseLong(got[1]) >= sent;
      return new Row(c.name(), tp.throughput(), complete, tp.acks(), latency, Long.parseLong(got[3]), tp.failed(), cpu,
          Machine.load());
    }
  }

  /** Publishes up to {@code count} digests flat out and waits (bounded) for the subscriber to have them. */
  private static Flat flat(Child sub, Child pub, String kind, long count, int maxS) throws Exception {
    String run = kind + "-" + System.nanoTime();
    sub.call("expect " + run, REPLY);
    // The publisher may block up to 30 s for a permit and 30 s for the last acks.
    String[] p = pub.call("flat " + run + " " + count + " " + maxS, Duration.ofSeconds(maxS + 70L));
    long sent = Long.parseLong(p[1]);
    String[] s = sub.call("wait " + sent + " " + DRAIN.toMillis(), DRAIN.plus(REPLY));
    return new Flat(sent, Long.parseLong(s[1]), Long.parseLong(p[2]), Long.parseLong(s[2]), Double.parseDouble(p[3]),
        Long.parseLong(p[4]), Long.parseLong(s[3]));
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }
}

package dev.hearsay.bench;

import java.util.List;

/** The Markdown the benchmark prints and writes: throughput and latency, then who used the CPU. */
final class Table {
  private Table() {}

  static String render(List<CaseRun.Row> rows, Options o, String machine) {
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder b = new StringBuilder();
    b.append("### Java SDK: publish at gateway 1 -> subscribe at gateway 2 (").append(o.payload()).append("-byte payloads)\n\n");
    b.append("Machine: ").append(machine).append(".\n");
    b.append("Two `hearsay agent` processes (profile local) on loopback; the publisher and the subscriber are two separate JVMs ")
        .append("(each case starts fresh ones), driven by a third. Each case first publishes ").append(o.warmup())
        .append(" digests flat out (warm-up: JIT, connections, interest). Throughput: up to ").append(o.count()).append(" digests (")
        .append(o.unaryCount()).append(" unary) or ").append(o.maxS())
        .append(" s flat out, delivered / (last delivery - first publish). Latency: ").append(o.rate()).append(" digests/s for ")
        .append(o.latencyS()).append(" s; publish-to-delivery = receiver clock - the digest's publish time (ms resolution); ")
        .append("send-to-delivery = receiver clock - send time stamped in the payload.\n\n");
    b.append("| transport | throughput (digests/s) | all delivered | p50 publish-to-delivery at ").append(o.rate())
        .append("/s (ms) | p99 (ms) | max (ms) | p50 send-to-delivery (ms) | p99 (ms) | publish acks/s | gaps | failed publishes | load |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (CaseRun.Row r : rows) {
      double[] l = r.latency();
      b.append(String.format("| %s | %,.0f | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %,.0f | %d | %d | %s |%n", r.name(),
          r.throughput(), r.complete() ? "yes" : "no", l[0], l[1], l[2], l[3], l[4], r.acks(), r.gaps(), r.failed(), r.load()));
    }
    b.append("\nCPU during the throughput run: each process's CPU time (all threads, JIT and GC included; /proc/PID/stat) from ")
        .append("just before the first publish until the last delivery and the last ack, as % of one core over the run's ")
        .append("wall time (first publish to last delivery). The machine has ").append(cores).append(" cores = ").append(cores * 100)
        .append("%. SDK ceiling = throughput / (that role's CPU share): the rate at which the role would use a whole core, ")
        .append("i.e. where the SDK, rather than the gateways or the other role, would become the bottleneck.\n\n");
    b.append("| transport | throughput (digests/s) | publisher JVM CPU (% of a core) | publisher SDK ceiling (digests/s at 100% of a core) ")
        .append("| subscriber JVM CPU (% of a core) | subscriber SDK ceiling (digests/s at 100% of a core) | gateway 1 CPU (% of a core) ")
        .append("| gateway 2 CPU (% of a core) | coordinator JVM CPU (% of a core) | all five (% of a core) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (CaseRun.Row r : rows) {
      double[] c = r.cpu();
      b.append(String.format("| %s | %,.0f | %.0f | %s | %.0f | %s | %.0f | %.0f | %.0f | %.0f |%n", r.name(), r.throughput(),
          c[0], ceiling(r.throughput(), c[0]), c[1], ceiling(r.throughput(), c[1]), c[2], c[3], c[4], c[0] + c[1] + c[2] + c[3] + c[4]));
    }
    return b.toString();
  }

  /** Throughput at 100% of a core; CPU below 1% counts as 1%, as the Ruby benchmark does. */
  private static String ceiling(double throughput, double cpuPct) {
    return Double.isNaN(cpuPct) ? "?" : String.format("%,.0f", throughput * 100 / Math.max(cpuPct, 1));
  }
}

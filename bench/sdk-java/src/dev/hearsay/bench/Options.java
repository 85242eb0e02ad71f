package dev.hearsay.bench;

import java.nio.file.Path;

/** The coordinator's flags. */
record Options(long count, long unaryCount, long warmup, int maxS, int payload, int rate, int latencyS, Path markdown) {
  static final String USAGE = """
      usage: bench/sdk-java/run.sh [flags]
        --count N        digests per throughput run (default 100000)
        --unary-count N  digests for the unary Publish throughput run (default 20000)
        --warmup N       digests published flat out before each case's measurements, so JIT is done (default 20000)
        --max-s S        longest a throughput run publishes (default 20)
        --payload B      payload bytes (default 256)
        --rate R         paced latency run, digests/s (default 2000)
        --latency-s S    paced latency run length (default 10)
        --markdown FILE  also write the tables there (default bench/sdk-java/RESULTS.md)""";

  static Options parse(String[] args, Path root) {
    long count = 100_000, unary = 20_000, warmup = 20_000;
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
        case "--warmup" -> warmup = num(k, v, 0, 1_000_000);
        case "--max-s" -> maxS = (int) num(k, v, 1, 600);
        case "--payload" -> payload = (int) num(k, v, 32, 16_000);
        case "--rate" -> rate = (int) num(k, v, 1, 1_000_000);
        case "--latency-s" -> latencyS = (int) num(k, v, 1, 600);
        case "--markdown" -> md = Path.of(v);
        default -> throw new IllegalArgumentException("unknown flag " + k + "\n" + USAGE);
      }
    }
    return new Options(count, unary, warmup, maxS, payload, rate, latencyS, md);
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

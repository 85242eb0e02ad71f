package dev.hearsay.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for conditions the tests wait on. */
final class Wait {
  private Wait() {}

  /** Polls {@code condition} every 50 ms until true; fails with {@code what} after {@code timeout}. */
  static void until(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      Thread.sleep(50);
    }
  }

  /** Until {@code g} sees {@code n} alive members. */
  static void members(GatewayProcess g, int n) throws InterruptedException {
    try (HearsayClient c = g.client(Transport.GRPC)) {
      until(Duration.ofSeconds(30), g.node + " seeing " + n + " alive members",
          () -> c.members(java.util.Set.of(MemberStatus.ALIVE), java.util.Map.of()).size() == n);
    }
  }
}

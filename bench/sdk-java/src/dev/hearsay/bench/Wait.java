package dev.hearsay.bench;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: every wait in the benchmark has a timeout. */
final class Wait {
  private Wait() {}

  /** Polls every 2 ms; false when {@code done} is still false after {@code timeout}. */
  static boolean until(Duration timeout, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) return false;
      Thread.sleep(2);
    }
    return true;
  }
}

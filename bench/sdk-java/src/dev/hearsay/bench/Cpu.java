package dev.hearsay.bench;

import java.time.Duration;
import java.util.List;

/**
 * CPU time of whole processes (all threads: JIT, GC and the SDK's included), from
 * /proc/PID/stat utime + stime on Linux via ProcessHandle, in clock ticks (10 ms at
 * CLK_TCK 100), so a run of a few seconds is measured to well under 1% of a core.
 */
final class Cpu {
  private Cpu() {}

  /** CPU nanoseconds used so far by each process; -1 where the OS does not say. */
  static long[] sample(List<ProcessHandle> processes) {
    return processes.stream().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L)).toArray();
  }

  /** CPU used between two samples as % of one core over {@code wallNanos}; NaN when unknown. */
  static double[] percent(long[] before, long[] after, long wallNanos) {
    double[] pct = new double[before.length];
    for (int i = 0; i < pct.length; i++) {
      boolean known = before[i] >= 0 && after[i] >= 0 && wallNanos > 0;
      pct[i] = known ? 100.0 * (after[i] - before[i]) / wallNanos : Double.NaN;
    }
    return pct;
  }
}

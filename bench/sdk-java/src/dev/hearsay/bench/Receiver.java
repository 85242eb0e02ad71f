package dev.hearsay.bench;

import dev.hearsay.client.Delivery;
import dev.hearsay.client.DigestDelivery;
import dev.hearsay.client.StreamListener;
import java.util.Arrays;

/** Counts the deliveries of one run and records their latencies (single-threaded: the subscription's thread). */
final class Receiver implements StreamListener<Delivery<Blob.Msg>> {
  /** Most latency samples kept. */
  private static final int MAX_SAMPLES = 2_000_000;

  private volatile String run = "";
  private volatile long received;
  private volatile long lastUs;
  private volatile long gaps;
  private long[] publishToDeliveryUs = new long[1024];
  private long[] sendToDeliveryUs = new long[1024];
  private int samples;

  /** Starts counting deliveries of {@code run} from zero. */
  synchronized void expect(String run) {
    this.run = run;
    received = 0;
    lastUs = 0;
    samples = 0;
  }

  @Override
  public void onNext(Delivery<Blob.Msg> d) {
    if (!(d instanceof DigestDelivery<Blob.Msg> dd)) {
      gaps++;
      return;
    }
    Blob.Msg m = dd.message();
    if (m == null || !m.run().equals(run)) return;
    long nowUs = Blob.nowUs();
    synchronized (this) {
      if (samples < MAX_SAMPLES) {
        if (samples == publishToDeliveryUs.length) {
          publishToDeliveryUs = Arrays.copyOf(publishToDeliveryUs, samples * 2);
          sendToDeliveryUs = Arrays.copyOf(sendToDeliveryUs, samples * 2);
        }
        publishToDeliveryUs[samples] = nowUs - dd.publishTimeMs() * 1_000;
        sendToDeliveryUs[samples] = nowUs - m.sentUs();
        samples++;
      }
    }
    lastUs = nowUs;
    received++;
  }

  long received() {
    return received;
  }

  /** Wall clock (epoch µs, comparable across processes on this machine) of the last counted delivery; 0 before one. */
  long lastUs() {
    return lastUs;
  }

  long gaps() {
    return gaps;
  }

  /** p50, p99, max of publish-to-delivery (ms, the gateway's publish time) and send-to-delivery (ms). */
  synchronized double[] latencyMs() {
    long[] p = Arrays.copyOf(publishToDeliveryUs, samples);
    long[] s = Arrays.copyOf(sendToDeliveryUs, samples);
    Arrays.sort(p);
    Arrays.sort(s);
    return new double[] {pct(p, 0.50), pct(p, 0.99), pct(p, 1.0), pct(s, 0.50), pct(s, 0.99), pct(s, 1.0)};
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1000.0;
  }
}

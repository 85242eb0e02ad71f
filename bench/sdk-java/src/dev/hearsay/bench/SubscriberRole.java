package dev.hearsay.bench;

import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.Subscription;
import dev.hearsay.client.SubscriptionRequest;
import dev.hearsay.client.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The subscriber JVM: subscribes at gateway 2 through the SDK and counts what arrives. */
final class SubscriberRole {
  /** Longest wait the coordinator may ask for. */
  private static final long MAX_WAIT_MS = 600_000;

  private SubscriberRole() {}

  /** Flags: --transport GRPC|THRIFT --address HOST:PORT --payload BYTES. Ready once the subscription started. */
  static void run(Map<String, String> a) throws Exception {
    Blob codec = new Blob(Integer.parseInt(a.get("payload")));
    Receiver rx = new Receiver();
    try (HearsayClient client = HearsayClient.builder().address(a.get("address"))
            .transport(Transport.valueOf(a.get("transport"))).build();
        Subscription<Blob.Msg> s = client.subscribe(SubscriptionRequest.of(codec).maxQueued(65_536), rx)) {
      s.started().get(30, TimeUnit.SECONDS);
      Protocol.serve(cmd -> switch (cmd[0]) {
        case "expect" -> {
          rx.expect(cmd[1]);
          yield "ok";
        }
        case "wait" -> awaitCount(rx, Long.parseLong(cmd[1]), Math.min(MAX_WAIT_MS, Long.parseLong(cmd[2])));
        case "latency" -> latency(rx);
        default -> throw new IllegalArgumentException("unknown command " + cmd[0]);
      });
    }
  }

  /** "wait N TIMEOUT_MS": until N of the expected run arrived. Reply "got RECEIVED LAST_DELIVERY_US GAPS_SO_FAR". */
  private static String awaitCount(Receiver rx, long n, long timeoutMs) throws InterruptedException {
    Wait.until(Duration.ofMillis(timeoutMs), () -> rx.received() >= n);
    return "got " + rx.received() + " " + rx.lastUs() + " " + rx.gaps();
  }

  /** "latency": reply "latency P50 P99 MAX SEND_P50 SEND_P99 SEND_MAX" (ms) of the expected run. */
  private static String latency(Receiver rx) {
    StringBuilder b = new StringBuilder("latency");
    for (double v : rx.latencyMs()) b.append(' ').append(v);
    return b.toString();
  }
}

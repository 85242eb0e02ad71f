package dev.hearsay.bench;

import dev.hearsay.client.HearsayClient;
import dev.hearsay.client.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The publisher JVM: publishes at gateway 1 through the SDK when the coordinator says so. */
final class PublisherRole {
  /** How long the publisher waits for outstanding acks after its last publish. */
  private static final Duration ACK_WAIT = Duration.ofSeconds(30);

  private PublisherRole() {}

  /** Flags: --transport GRPC|THRIFT --address HOST:PORT --payload BYTES --sender batching|unary. */
  static void run(Map<String, String> a) throws Exception {
    Blob codec = new Blob(Integer.parseInt(a.get("payload")));
    try (HearsayClient client = HearsayClient.builder().address(a.get("address"))
            .transport(Transport.valueOf(a.get("transport"))).build();
        Sender tx = a.get("sender").equals("unary")
            ? Sender.unary(client, codec, 64)
            : Sender.batching(client, codec, 1024, Duration.ofMillis(1))) {
      Protocol.serve(cmd -> switch (cmd[0]) {
        case "flat" -> flatOut(tx, cmd[1], Long.parseLong(cmd[2]), Integer.parseInt(cmd[3]));
        case "paced" -> paced(tx, cmd[1], Integer.parseInt(cmd[2]), Integer.parseInt(cmd[3]));
        default -> throw new IllegalArgumentException("unknown command " + cmd[0]);
      });
    }
  }

  /**
   * "flat RUN COUNT MAX_S": COUNT digests or MAX_S seconds flat out, then waits (bounded) for
   * the acks. Reply "sent N FIRST_PUBLISH_US ACKS_PER_S FAILED_SO_FAR".
   */
  private static String flatOut(Sender tx, String run, long count, int maxS) throws InterruptedException {
    long done0 = tx.completed();
    long acked0 = tx.acked.get();
    long t0Us = Blob.nowUs();
    long t0 = System.nanoTime();
    long stopAt = t0 + TimeUnit.SECONDS.toNanos(maxS);
    long sent = 0;
    while (sent < count && System.nanoTime() < stopAt && tx.send(run)) sent++;
    long target = sent;
    Wait.until(ACK_WAIT, () -> tx.completed() - done0 >= target);
    double acks = (tx.acked.get() - acked0) * 1e9 / Math.max(1, tx.lastAckNanos - t0);
    return "sent " + sent + " " + t0Us + " " + acks + " " + tx.failed.get();
  }

  /** "paced RUN RATE SECONDS": RATE digests/s for SECONDS. Reply "sent N". */
  private static String paced(Sender tx, String run, int rate, int seconds) throws InterruptedException {
    long l0 = System.nanoTime();
    long total = (long) rate * seconds;
    long n = 0;
    while (n < total) {
      long due = Math.min(total, (System.nanoTime() - l0) * rate / 1_000_000_000L + 1);
      while (n < due && tx.send(run)) n++;
      if (n < due) break; // no permit within 30 s: the gateway stopped acknowledging
      Thread.sleep(1);
    }
    return "sent " + n;
  }
}

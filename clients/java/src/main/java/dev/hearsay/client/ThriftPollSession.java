package dev.hearsay.client;

import dev.hearsay.thrift.Gateway;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.thrift.TException;

/**
 * A Thrift "stream": subscribe / watch* returns an id, then long-polls on a socket of
 * its own (so a waiting poll never holds up other calls). An expired id (NOT_FOUND from
 * a poll: the gateway restarted, or the client was away past its idle bound) is
 * reported as UNAVAILABLE so the stream reopens and resumes.
 */
final class ThriftPollSession<R> implements StreamSession<R> {
  /** How long one poll waits on the gateway for items, ms. */
  static final int POLL_WAIT_MS = 5_000;
  /** Most items one poll asks for. */
  static final int POLL_MAX_ITEMS = 1_024;

  /** One poll: items of watch {@code id} appended to {@code out}. */
  interface Poll<R> {
    void poll(Gateway.Client client, String token, String id, int maxItems, int waitMs, List<R> out)
        throws TException;
  }

  private final ThriftConnection conn;
  private final String id;
  private final Poll<R> poll;
  private final Supplier<R> onEmpty;
  private final Consumer<String> onCancel;
  private final ArrayDeque<R> pending = new ArrayDeque<>();
  private final long pollTimeoutMs;
  private volatile boolean cancelled;

  /**
   * @param open starts the subscription / watch, returns its id
   * @param started the first item to hand out (e.g. SubscriptionStarted), or null
   * @param onEmpty what an empty poll yields (a keep-alive), or null to poll again
   * @param onCancel unsubscribes the id (best effort, not on this socket)
   */
  ThriftPollSession(
      Settings settings, Function<ThriftConnection, String> open, Function<String, R> started, Poll<R> poll,
      Supplier<R> onEmpty, Consumer<String> onCancel) {
    this.conn = new ThriftConnection(settings);
    this.poll = poll;
    this.onEmpty = onEmpty;
    this.onCancel = onCancel;
    this.pollTimeoutMs = POLL_WAIT_MS + settings.callTimeout().toMillis();
    try {
      this.id = open.apply(conn);
    } catch (RuntimeException e) {
      conn.close();
      throw e;
    }
    if (started != null) pending.add(started.apply(id));
  }

  @Override
  public R next() {
    while (pending.isEmpty()) {
      if (cancelled) throw new CancelledException("stream cancelled");
      List<R> out = new ArrayList<>();
      try {
        conn.call(
            (c, token) -> {
              poll.poll(c, token, id, POLL_MAX_ITEMS, POLL_WAIT_MS, out);
              return null;
            },
            pollTimeoutMs);
      } catch (NotFoundException e) {
        throw new UnavailableException("the gateway no longer knows this stream (" + e.gatewayMessage() + "); reopening", e);
      }
      pending.addAll(out);
      if (pending.isEmpty() && onEmpty != null) return onEmpty.get();
    }
    return pending.poll();
  }

  @Override
  public void cancel() {
    if (cancelled) return;
    cancelled = true;
    conn.close();
    onCancel.accept(id);
  }
}

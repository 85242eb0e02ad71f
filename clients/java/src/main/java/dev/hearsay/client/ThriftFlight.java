package dev.hearsay.client;

import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/** One publishBatch call, made on the publisher's own connection and thread. */
final class ThriftFlight implements Flight {
  /** A publisher's connection and the thread its calls block. */
  static final class Channel implements Backend.FlightChannel {
    private final ThriftConnection conn;
    private final String overlay;
    private final ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "hearsay-thrift-publisher");
              t.setDaemon(true);
              return t;
            });

    Channel(ThriftConnection conn, String overlay) {
      this.conn = conn;
      this.overlay = overlay;
    }

    @Override
    public Flight open(Done done) {
      return new ThriftFlight(this, done);
    }

    @Override
    public void close() {
      thread.shutdown();
      conn.close();
    }
  }

  private final Channel channel;
  private final Done done;
  private final List<dev.hearsay.thrift.NewDigest> digests = new ArrayList<>();

  private ThriftFlight(Channel channel, Done done) {
    this.channel = channel;
    this.done = done;
  }

  @Override
  public void write(List<NewDigest> batch) {
    for (NewDigest d : batch) digests.add(ThriftConvert.newDigest(d));
  }

  @Override
  public void end() {
    try {
      channel.thread.execute(this::send);
    } catch (RejectedExecutionException e) {
      done.done(List.of(), new CancelledException("publisher closed before sending", e));
    }
  }

  private void send() {
    List<PublishResponse> results;
    try {
      List<dev.hearsay.thrift.PublishResponse> r =
          channel.conn.call((c, token) -> c.publishBatch(token, channel.overlay, digests));
      results = new ArrayList<>(r.size());
      for (dev.hearsay.thrift.PublishResponse p : r) results.add(ThriftConvert.published(p));
    } catch (HearsayException e) {
      done.done(List.of(), e);
      return;
    }
    done.done(results, null);
  }

  @Override
  public void cancel() {
    channel.conn.close();
  }
}

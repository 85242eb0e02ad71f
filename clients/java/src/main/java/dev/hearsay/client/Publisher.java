package dev.hearsay.client;

import com.google.protobuf.Message;
import dev.hearsay.v1.NewDigest;
import dev.hearsay.v1.PublishResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.thrift.TBase;

/**
 * Batches digests for high rates, like Kafka's producer: a batch goes out when it holds
 * maxBatch digests or a linger after its first one. Over gRPC batches ride a
 * PublishStream that the gateway acknowledges when it ends, so the publisher ends each
 * stream after a linger with nothing more to send (or at maxStreamDigests); over Thrift
 * each batch is one publishBatch call. One flight is in the air at a time, which keeps
 * digests in publish order. If the gateway refuses a digest, the digests before it stay
 * published (their futures fail with {@code published() == Optional.of(true)}), it and
 * the ones after it are not. Nothing is retried automatically (that could duplicate).
 * Thread-safe; close() flushes.
 */
public final class Publisher implements AutoCloseable {
  private static final Pattern REFUSED_INDEX = Pattern.compile("digests\\[(\\d+)\\]");

  private record Entry(long n, NewDigest digest, CompletableFuture<PublishResult> future) {}

  private static final class InFlight {
    Flight flight;
    final List<Entry> entries = new ArrayList<>();
    boolean ended;
  }

  private final ClientContext ctx;
  /** What closing the client does to a publisher still open: give up (close it first to flush). */
  final AutoCloseable onClientClose = this::abort;
  private final Backend.FlightChannel channel;
  private final int maxBatch;
  private final long lingerNanos;
  private final int maxPending;
  private final int maxStreamDigests;
  private final ArrayDeque<Entry> buffer = new ArrayDeque<>();
  private InFlight flight; // guarded by this
  private ScheduledFuture<?> timer; // guarded by this
  private int pending; // guarded by this
  private long nextN; // guarded by this
  private long flushThrough = -1; // guarded by this
  private boolean closed; // guarded by this

  Publisher(ClientContext ctx, PublisherOptions opts) {
    this.ctx = ctx;
    this.maxBatch = opts.maxBatch();
    this.lingerNanos = opts.linger().toNanos();
    this.maxPending = opts.maxPending();
    int perStream = opts.maxStreamDigests() > 0 ? opts.maxStreamDigests() : 16 * opts.maxBatch();
    this.maxStreamDigests = ctx.backend.flightsCarryManyBatches() ? perStream : opts.maxBatch();
    this.channel = ctx.backend.flightChannel(ctx.overlay);
  }

  /** Queues a protobuf message (type = its full name); completes once the gateway has logged it. */
  public CompletableFuture<PublishResult> publish(Message message) {
    return enqueue(Digests.of(message, null));
  }

  /** Queues a Thrift struct (type = its class name, see {@link Codecs#thrift(Class)}). */
  public CompletableFuture<PublishResult> publish(TBase<?, ?> struct) {
    return enqueue(Digests.of(struct, null));
  }

  public <T> CompletableFuture<PublishResult> publish(Codec<T> codec, T message) {
    return enqueue(Digests.of(codec, message, null));
  }

  public <T> CompletableFuture<PublishResult> publish(Codec<T> codec, T message, Map<String, String> headers) {
    return enqueue(Digests.of(codec, message, headers));
  }

  /** Queues encoded payload bytes of a registered type (the array is copied). */
  public CompletableFuture<PublishResult> publish(String type, byte[] payload, Map<String, String> headers) {
    return enqueue(Digests.bytes(type, payload, headers, true));
  }

  /** Queues a JSON document the gateway encodes with the type's schema. */
  public CompletableFuture<PublishResult> publishJson(String type, String json) {
    return enqueue(Digests.json(type, json, null));
  }

  /** Digests queued or awaiting acknowledgement. */
  public synchronized int pendingCount() {
    return pending;
  }

  /** Sends everything queued now; completes with the results of the digests pending at the call. */
  public CompletableFuture<List<PublishResult>> flush() {
    List<CompletableFuture<PublishResult>> waiting = new ArrayList<>();
    synchronized (this) {
      if (flight != null) for (Entry e : flight.entries) waiting.add(e.future);
      for (Entry e : buffer) waiting.add(e.future);
      flushThrough = nextN - 1;
      pump();
    }
    return CompletableFuture.allOf(waiting.toArray(new CompletableFuture<?>[0]))
        .thenApply(v -> waiting.stream().map(CompletableFuture::join).toList());
  }

  /**
   * Flushes, waits for the answers (up to 3 call timeouts), then refuses further
   * publishes. Digests still unanswered then are given up (see {@link #abort()}).
   * Failures stay in each digest's future; close() does not throw them.
   */
  @Override
  public void close() {
    CompletableFuture<List<PublishResult>> done;
    synchronized (this) {
      if (closed) return;
      done = flush();
      closed = true;
    }
    try {
      done.get(ctx.settings.callTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // reported through the digests' futures
    } catch (TimeoutException e) {
      abort();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort();
    } finally {
      release();
    }
  }

  /**
   * Gives up at once: the flight in the air is cancelled (its digests fail with
   * published() unknown), queued digests fail unsent with CancelledException.
   */
  public void abort() {
    List<Entry> unsent;
    InFlight f;
    synchronized (this) {
      closed = true;
      if (timer != null) timer.cancel(false);
      timer = null;
      unsent = new ArrayList<>(buffer);
      buffer.clear();
      pending -= unsent.size();
      f = flight;
    }
    for (Entry e : unsent) {
      e.future.completeExceptionally(
          new CancelledException("publisher: aborted before sending").withPublished(false));
    }
    if (f != null && f.flight != null) f.flight.cancel();
    release();
  }

  private void release() {
    channel.close();
    ctx.unregister(onClientClose);
  }

  private CompletableFuture<PublishResult> enqueue(NewDigest digest) {
    CompletableFuture<PublishResult> future = new CompletableFuture<>();
    synchronized (this) {
      if (closed) throw new IllegalStateException("publisher is closed");
      if (pending >= maxPending) {
        future.completeExceptionally(
            new ResourceExhaustedException(
                "publisher: " + pending + " digests pending (maxPending); wait for some or flush()"));
        return future;
      }
      buffer.add(new Entry(nextN++, digest, future));
      pending++;
      pump();
    }
    return future;
  }

  private void pump() { // holds this
    InFlight f = flight;
    if (f == null) {
      if (buffer.isEmpty()) return;
      f = flight = startFlight();
    }
    if (f.ended) return;
    Entry first = f.entries.isEmpty() ? buffer.peek() : f.entries.get(0);
    boolean urgent = first != null && first.n <= flushThrough;
    while (f.entries.size() < maxStreamDigests
        && (buffer.size() >= maxBatch || (urgent && !buffer.isEmpty()))) {
      write(f);
    }
    if (urgent || f.entries.size() >= maxStreamDigests) endFlight(f);
    else if (timer == null) timer = ctx.timer.schedule(this::linger, lingerNanos, TimeUnit.NANOSECONDS);
  }

  private synchronized void linger() {
    timer = null;
    InFlight f = flight;
    if (f == null || f.ended) return;
    while (!buffer.isEmpty() && f.entries.size() < maxStreamDigests) write(f);
    endFlight(f);
  }

  private void write(InFlight f) { // holds this
    int n = Math.min(Math.min(maxBatch, maxStreamDigests - f.entries.size()), buffer.size());
    List<NewDigest> batch = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Entry e = buffer.poll();
      f.entries.add(e);
      batch.add(e.digest);
    }
    f.flight.write(batch);
  }

  private void endFlight(InFlight f) { // holds this
    if (timer != null) timer.cancel(false);
    timer = null;
    f.ended = true;
    f.flight.end();
  }

  private InFlight startFlight() { // holds this
    InFlight f = new InFlight();
    f.flight = channel.open((results, error) -> landed(f, results, error));
    return f;
  }

  private void landed(InFlight f, List<PublishResponse> results, HearsayException error) {
    if (Thread.holdsLock(this)) { // answered inline while we were sending: finish outside our lock
      ctx.timer.execute(() -> landed(f, results, error));
      return;
    }
    synchronized (this) {
      if (flight == f) flight = null;
      pending -= f.entries.size();
      if (!closed || !buffer.isEmpty()) pump();
    }
    if (error != null) settleFailed(f.entries, error);
    else {
      for (int i = 0; i < f.entries.size(); i++) {
        CompletableFuture<PublishResult> future = f.entries.get(i).future;
        if (i < results.size()) future.complete(Convert.publishResult(results.get(i)));
        else future.completeExceptionally(
            new InternalException("publisher: the gateway acknowledged fewer digests than were sent"));
      }
    }
  }

  /** The gateway names the refused digest's index in its stream: those before it were published. */
  private static void settleFailed(List<Entry> entries, HearsayException err) {
    Matcher m = REFUSED_INDEX.matcher(err.gatewayMessage());
    int index = m.find() ? Integer.parseInt(m.group(1)) : -1;
    for (int i = 0; i < entries.size(); i++) {
      String msg = err.gatewayMessage();
      if (index >= 0 && i != index) {
        msg = (i < index ? "published" : "not published") + ": digest " + index
            + " of its stream was refused: " + msg;
      }
      HearsayException e = HearsayException.of(err.code(), msg, err);
      entries.get(i).future.completeExceptionally(e.withPublished(index < 0 ? null : i < index));
    }
  }
}

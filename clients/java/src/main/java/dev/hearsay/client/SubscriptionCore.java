package dev.hearsay.client;

import dev.hearsay.v1.Digest;
import dev.hearsay.v1.GapNotice;
import dev.hearsay.v1.SubscribeRequest;
import dev.hearsay.v1.SubscribeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The transport-independent part of a subscription: the request for each (re)open, and
 * gateway responses turned into deliveries. Keeps the cursor, per (origin, type) an
 * (epoch, stream sequence), drops anything at or before it (so a reconnect neither loses
 * nor repeats digests), decodes payloads, and turns the first caught-up marker into a
 * {@link CaughtUpDelivery}.
 * Used by the subscription's reader thread only (started is completed from there too).
 */
final class SubscriptionCore<T> {
  /**
   * How far before its start a "latest" subscription accepts digests of (origin, type)
   * pairs it had no position for, after a reconnect, ms (the bus's start grace).
   */
  static final long START_GRACE_MS = 5_000;

  final CompletableFuture<String> started = new CompletableFuture<>();
  private final SubscriptionRequest<T> req;
  private final String overlay;
  private final CursorState state;
  private final List<String> typeNames;
  private int opened;
  private long firstOpenMs;
  private boolean caughtUpSeen;

  SubscriptionCore(SubscriptionRequest<T> req, String overlay) {
    this.req = req;
    this.overlay = overlay;
    this.state = new CursorState(req.resumeFromOrNull());
    this.typeNames = List.copyOf(req.types().keySet());
  }

  Cursor cursor() {
    return state.snapshot();
  }

  /** Whether the consumer asked to be handed the {@link CaughtUpDelivery} marker. */
  boolean deliversCaughtUp() {
    return req.caughtUpDelivered();
  }

  /** The request for the next open. After a reconnect, "latest" becomes "earliest" filtered by time. */
  SubscribeRequest request() {
    boolean first = opened++ == 0;
    if (first) firstOpenMs = System.currentTimeMillis();
    boolean earliest = req.startPosition() == StartPosition.EARLIEST || !first;
    SubscribeRequest.Builder b =
        SubscribeRequest.newBuilder()
            .setOverlay(overlay)
            .addAllTypes(typeNames)
            .setStart(
                earliest
                    ? dev.hearsay.v1.StartPosition.START_POSITION_EARLIEST
                    : dev.hearsay.v1.StartPosition.START_POSITION_LATEST)
            .setIncludeJson(req.json())
            .setMaxBatchDigests(req.batchDigests())
            .setKeepaliveIntervalMs((int) req.keepAliveInterval().toMillis());
    if (!first || req.resumeFromOrNull() != null) b.setResumeFrom(state.toProto());
    return b.build();
  }

  /** Hands each delivery of one response to {@code out}, in order. */
  void handle(SubscribeResponse r, Consumer<Delivery<T>> out) {
    switch (r.getItemCase()) {
      case BATCH -> {
        for (Digest d : r.getBatch().getDigestsList()) {
          DigestDelivery<T> delivery = accept(d);
          if (delivery != null) out.accept(delivery);
        }
      }
      case GAP -> out.accept(gap(r.getGap()));
      case CAUGHT_UP -> {
        // Each (re)opened stream sends one; the subscription reports the first only.
        if (!caughtUpSeen) {
          caughtUpSeen = true;
          out.accept(
              new CaughtUpDelivery<>(
                  r.getCaughtUp().getServerTimeMs(), r.getCaughtUp().getBacklogDigests(), state.snapshot()));
        }
      }
      case STARTED -> started.complete(r.getStarted().getSubscriptionId());
      default -> {} // keep-alive: only proves the stream is alive
    }
  }

  private DigestDelivery<T> accept(Digest d) {
    String origin = d.getOrigin();
    String type = d.getType();
    long epoch = d.getEpoch();
    // Stream sequences count from 1; 0 = a gateway from before epochs, whose per-origin
    // sequence is what its cursors spoke in.
    long streamSequence = d.getStreamSequence() != 0 ? d.getStreamSequence() : d.getSequence();
    boolean known = state.has(origin, type);
    if (state.covers(origin, type, epoch, streamSequence)) return null;
    if (!known && req.startPosition() == StartPosition.LATEST && opened > 1
        && d.getPublishTimeMs() < firstOpenMs - START_GRACE_MS) {
      return null;
    }
    state.advance(origin, type, epoch, streamSequence);
    byte[] payload = d.getPayload().toByteArray();
    Codec<? extends T> codec = req.types().get(type);
    T message = null;
    RuntimeException decodeError = null;
    if (codec != null) {
      try {
        message = codec.decode(payload);
      } catch (RuntimeException e) {
        decodeError = e;
      }
    }
    Map<String, String> headers = d.getHeadersCount() == 0 ? Map.of() : Map.copyOf(d.getHeadersMap());
    return new DigestDelivery<>(
        type, d.getId(), origin, epoch, d.getSequence(), streamSequence, d.getPublishTimeMs(), headers, payload,
        message, decodeError, d.hasJson() ? d.getJson() : null, state.snapshot());
  }

  private GapDelivery<T> gap(GapNotice g) {
    Cursor resumeFrom = CursorState.fromProto(g.getResumeFrom());
    state.merge(resumeFrom);
    List<GapRange> ranges = new ArrayList<>(g.getRangesCount());
    for (dev.hearsay.v1.GapRange x : g.getRangesList()) {
      ranges.add(new GapRange(x.getOrigin(), x.getType(), x.getFromSequence(), x.getToSequence(), x.getEpoch()));
    }
    return new GapDelivery<>(Convert.gapReason(g.getReasonValue()), ranges, g.getMessage(), resumeFrom, state.snapshot());
  }
}

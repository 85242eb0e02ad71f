package dev.hearsay.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to subscribe to and how:
 *
 * <pre>{@code
 * SubscriptionRequest.of(Greeting.class).resumeFrom(savedCursor).includeJson(true)
 * }</pre>
 *
 * Types are given as generated classes (protobuf or Thrift), {@link Codec}s, or bare
 * names (deliveries then carry payload bytes only). Fluent and mutable; the client
 * copies it when subscribing.
 *
 * @param <T> the decoded message type
 */
public final class SubscriptionRequest<T> {
  /** Longest keep-alive period the gateway accepts. */
  static final Duration MAX_KEEP_ALIVE = Duration.ofMinutes(5);

  private final Map<String, Codec<? extends T>> types = new LinkedHashMap<>();
  private Cursor resumeFrom;
  private StartPosition start = StartPosition.LATEST;
  private boolean includeJson;
  private boolean includeCaughtUp;
  private int maxBatchDigests;
  private Duration keepAlive = Duration.ofSeconds(15);
  private Reconnect reconnect = Reconnect.DEFAULT;
  private RetryListener onRetry = (e, a, d) -> {};
  private int maxQueued = 4_096;

  private SubscriptionRequest() {}

  /** Digests of these generated protobuf / Thrift classes, decoded into them. */
  @SafeVarargs
  public static <T> SubscriptionRequest<T> of(Class<? extends T> type, Class<? extends T>... more) {
    SubscriptionRequest<T> r = new SubscriptionRequest<>();
    r.and(type);
    for (Class<? extends T> c : Args.notNull(more, "types")) r.and(c);
    return r;
  }

  /** Digests of the codecs' types, decoded by them. */
  @SafeVarargs
  public static <T> SubscriptionRequest<T> of(Codec<? extends T> codec, Codec<? extends T>... more) {
    SubscriptionRequest<T> r = new SubscriptionRequest<>();
    r.and(codec);
    for (Codec<? extends T> c : Args.notNull(more, "codecs")) r.and(c);
    return r;
  }

  /** Digests of these type names, undecoded (payload bytes; JSON with {@link #includeJson}). */
  public static SubscriptionRequest<Object> ofNames(String... typeNames) {
    SubscriptionRequest<Object> r = new SubscriptionRequest<>();
    for (String n : Args.notNull(typeNames, "typeNames")) r.andName(n);
    return r;
  }

  /** Adds a generated protobuf / Thrift class. */
  public SubscriptionRequest<T> and(Class<? extends T> type) {
    return and(Codecs.of(Args.notNull(type, "type")));
  }

  /** Adds a type with its codec. */
  public SubscriptionRequest<T> and(Codec<? extends T> codec) {
    Args.notNull(codec, "codec");
    types.put(Args.notEmpty(codec.typeName(), "codec.typeName()"), codec);
    return this;
  }

  /** Adds a type by name, undecoded. */
  public SubscriptionRequest<T> andName(String typeName) {
    types.putIfAbsent(Args.notEmpty(typeName, "typeName"), null);
    return this;
  }

  /** Resume after these positions; (origin, type) pairs absent from it start at {@link #start}. */
  public SubscriptionRequest<T> resumeFrom(Cursor cursor) {
    this.resumeFrom = Args.notNull(cursor, "cursor");
    return this;
  }

  /** Where pairs absent from the cursor start. @default LATEST */
  public SubscriptionRequest<T> start(StartPosition start) {
    this.start = Args.notNull(start, "start");
    return this;
  }

  /** Also deliver each payload rendered as JSON by the gateway. @default false */
  public SubscriptionRequest<T> includeJson(boolean includeJson) {
    this.includeJson = includeJson;
    return this;
  }

  /**
   * Also deliver the {@link CaughtUpDelivery} marker, once, in order: everything before
   * it was the backlog (retained history), everything after it is live. Without it the
   * marker is only reported by {@link Subscription#isCaughtUp()} /
   * {@link Subscription#awaitCaughtUp}. @default false
   */
  public SubscriptionRequest<T> includeCaughtUp(boolean includeCaughtUp) {
    this.includeCaughtUp = includeCaughtUp;
    return this;
  }

  /** Most digests per gateway batch; 0 = the gateway's limit. @default 0 */
  public SubscriptionRequest<T> maxBatchDigests(int maxBatchDigests) {
    if (maxBatchDigests < 0) throw new IllegalArgumentException("maxBatchDigests: must be >= 0, got " + maxBatchDigests);
    this.maxBatchDigests = maxBatchDigests;
    return this;
  }

  /**
   * Gateway keep-alive period on a quiet stream, 1 s to 5 min; the SDK reopens the
   * stream after 3 silent periods + 5 s. @default 15 s
   */
  public SubscriptionRequest<T> keepAlive(Duration keepAlive) {
    Args.positive(keepAlive, "keepAlive");
    if (keepAlive.compareTo(Duration.ofSeconds(1)) < 0 || keepAlive.compareTo(MAX_KEEP_ALIVE) > 0) {
      throw new IllegalArgumentException("keepAlive: must be 1 s to 5 min, got " + keepAlive);
    }
    this.keepAlive = keepAlive;
    return this;
  }

  /** Reconnect timing; {@link Reconnect#NEVER} ends the subscription on the first failure. */
  public SubscriptionRequest<T> reconnect(Reconnect reconnect) {
    this.reconnect = Args.notNull(reconnect, "reconnect");
    return this;
  }

  /** Told about each failure that will be retried. */
  public SubscriptionRequest<T> onRetry(RetryListener onRetry) {
    this.onRetry = Args.notNull(onRetry, "onRetry");
    return this;
  }

  /** Deliveries buffered for an iterator / Flow consumer before the SDK stops reading. @default 4096 */
  public SubscriptionRequest<T> maxQueued(int maxQueued) {
    this.maxQueued = Args.positive(maxQueued, "maxQueued");
    return this;
  }

  Map<String, Codec<? extends T>> types() {
    return Collections.unmodifiableMap(types);
  }

  Cursor resumeFromOrNull() {
    return resumeFrom;
  }

  StartPosition startPosition() {
    return start;
  }

  boolean json() {
    return includeJson;
  }

  boolean caughtUpDelivered() {
    return includeCaughtUp;
  }

  int batchDigests() {
    return maxBatchDigests;
  }

  Duration keepAliveInterval() {
    return keepAlive;
  }

  Reconnect reconnectPolicy() {
    return reconnect;
  }

  RetryListener retryListener() {
    return onRetry;
  }

  int queueLimit() {
    return maxQueued;
  }

  /** A copy, so later changes to this request do not reach a running subscription. */
  SubscriptionRequest<T> copy() {
    SubscriptionRequest<T> c = new SubscriptionRequest<>();
    c.types.putAll(types);
    c.resumeFrom = resumeFrom;
    c.start = start;
    c.includeJson = includeJson;
    c.includeCaughtUp = includeCaughtUp;
    c.maxBatchDigests = maxBatchDigests;
    c.keepAlive = keepAlive;
    c.reconnect = reconnect;
    c.onRetry = onRetry;
    c.maxQueued = maxQueued;
    return c;
  }
}

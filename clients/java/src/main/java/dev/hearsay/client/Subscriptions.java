package dev.hearsay.client;

import dev.hearsay.v1.SubscribeResponse;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Builds subscriptions in their three forms (listener, iterator, Flow) over one reader core. */
final class Subscriptions {
  private Subscriptions() {}

  /** How deliveries leave the reader thread and how the consumer learns the end. */
  private interface Sink<T> {
    void deliver(Delivery<T> d);

    void end(Throwable error);
  }

  /** A value set after construction, for callbacks created before what they refer to. */
  private static final class Ref<V> {
    V value;
  }

  private static <T> ResilientStream<SubscribeResponse> stream(
      ClientContext ctx, SubscriptionCore<T> core, SubscriptionRequest<T> req, Sink<T> sink,
      Supplier<? extends Subscription<T>> sub, Runnable onEnd) {
    long idleMs = req.keepAliveInterval().toMillis() * 3 + 5_000;
    Ref<ResilientStream<SubscribeResponse>> self = new Ref<>();
    long[] queued = {0}; // deliveries passed to the sink; reader thread only
    Consumer<Delivery<T>> out =
        d -> {
          if (self.value.isClosed()) return;
          if (d instanceof CaughtUpDelivery<T> m) {
            // Caught up once the consumer has been handed everything queued before it.
            sub.get().backlogEnds(m, queued[0]);
            if (!core.deliversCaughtUp()) return;
          }
          queued[0]++;
          sink.deliver(d);
        };
    self.value =
        new ResilientStream<>(
            "subscription",
            new ResilientStream.Spec<>() {
              @Override
              public StreamSession<SubscribeResponse> open() {
                ctx.ensureOpen();
                return ctx.backend.openSubscription(core.request());
              }

              @Override
              public void handle(SubscribeResponse item) {
                core.handle(item, out);
              }

              @Override
              public void end(Throwable error) {
                core.started.completeExceptionally(
                    error != null ? error : new CancelledException("subscription closed before it started"));
                Subscription<T> s = sub.get();
                if (s != null) s.ended(error);
                try {
                  sink.end(error);
                } finally {
                  onEnd.run();
                }
              }
            },
            req.reconnectPolicy(),
            req.retryListener(),
            idleMs,
            ctx.timer);
    return self.value;
  }

  private static <T> SubscriptionRequest<T> checked(SubscriptionRequest<T> req) {
    SubscriptionRequest<T> r = Args.notNull(req, "request").copy();
    if (r.types().isEmpty()) throw new IllegalArgumentException("request: names no digest type");
    return r;
  }

  static <T> Subscription<T> listener(ClientContext ctx, SubscriptionRequest<T> request, StreamListener<Delivery<T>> l) {
    Args.notNull(l, "listener");
    SubscriptionRequest<T> req = checked(request);
    ctx.ensureOpen();
    SubscriptionCore<T> core = new SubscriptionCore<>(req, ctx.overlay);
    Ref<Subscription<T>> sub = new Ref<>();
    ResilientStream<SubscribeResponse> stream =
        stream(
            ctx, core, req,
            new Sink<>() {
              @Override
              public void deliver(Delivery<T> d) {
                sub.value.handedOver(d);
                l.onNext(d);
              }

              @Override
              public void end(Throwable error) {
                l.onEnd(error);
              }
            },
            () -> sub.value, () -> ctx.unregister(sub.value));
    sub.value = new Subscription<>(core, stream, () -> ctx.unregister(sub.value), core.cursor());
    ctx.register(sub.value);
    stream.start();
    return sub.value;
  }

  static <T> SubscriptionIterator<T> iterator(ClientContext ctx, SubscriptionRequest<T> request) {
    SubscriptionRequest<T> req = checked(request);
    ctx.ensureOpen();
    SubscriptionCore<T> core = new SubscriptionCore<>(req, ctx.overlay);
    BoundedQueue<Delivery<T>> queue = new BoundedQueue<>(req.queueLimit());
    Ref<SubscriptionIterator<T>> sub = new Ref<>();
    ResilientStream<SubscribeResponse> stream =
        stream(
            ctx, core, req,
            new Sink<>() {
              @Override
              public void deliver(Delivery<T> d) {
                queue.put(d);
              }

              @Override
              public void end(Throwable error) {
                queue.end(error);
              }
            },
            () -> sub.value, () -> ctx.unregister(sub.value));
    sub.value = new SubscriptionIterator<>(core, stream, () -> ctx.unregister(sub.value), core.cursor(), queue);
    ctx.register(sub.value);
    stream.start();
    return sub.value;
  }

  /** Each Flow.Subscriber gets its own gateway subscription, paced by its request(n). */
  static <T> Flow.Publisher<Delivery<T>> flow(ClientContext ctx, SubscriptionRequest<T> request) {
    SubscriptionRequest<T> req = checked(request);
    return subscriber -> {
      Args.notNull(subscriber, "subscriber");
      FlowSubscription<T> fs = new FlowSubscription<>(subscriber);
      SubscriptionCore<T> core = new SubscriptionCore<>(req.copy(), ctx.overlay);
      Ref<Subscription<T>> sub = new Ref<>();
      ResilientStream<SubscribeResponse> stream =
          stream(
              ctx, core, req,
              new Sink<>() {
                @Override
                public void deliver(Delivery<T> d) {
                  if (fs.awaitDemand()) {
                    sub.value.handedOver(d);
                    subscriber.onNext(d);
                  }
                }

                @Override
                public void end(Throwable error) {
                  fs.end(error);
                }
              },
              () -> sub.value, () -> ctx.unregister(sub.value));
      sub.value = new Subscription<>(core, stream, () -> ctx.unregister(sub.value), core.cursor());
      fs.bind(sub.value);
      try {
        ctx.register(sub.value);
      } catch (IllegalStateException e) {
        subscriber.onSubscribe(fs);
        fs.end(e);
        return;
      }
      subscriber.onSubscribe(fs);
      stream.start();
    };
  }
}

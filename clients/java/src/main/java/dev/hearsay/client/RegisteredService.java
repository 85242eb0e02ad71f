package dev.hearsay.client;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.RegisterServiceRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A service instance this client registered. With a TTL the SDK re-registers it every
 * ttl/3 while the client is open, so it stays passing; close() (or closing the client)
 * stops that and deregisters it.
 */
public final class RegisteredService implements AutoCloseable {
  private final ClientContext ctx;
  private final RegisterServiceRequest request;
  private volatile ServiceInstance instance;
  private volatile HearsayException lastRefreshError;
  private volatile ScheduledFuture<?> refresher;
  private volatile boolean closed;

  private RegisteredService(ClientContext ctx, RegisterServiceRequest request, ServiceInstance instance) {
    this.ctx = ctx;
    this.request = request;
    this.instance = instance;
  }

  static RegisteredService register(ClientContext ctx, ServiceRegistration reg) {
    Args.notNull(reg, "registration");
    ctx.ensureOpen();
    RegisterServiceRequest req =
        RegisterServiceRequest.newBuilder()
            .setOverlay(ctx.overlay)
            .setName(reg.name())
            .setId(reg.id())
            .setAddress(reg.address())
            .setPort(reg.port())
            .putAllTags(reg.tags())
            .setTtlMs((int) reg.ttl().toMillis())
            .build();
    ServiceInstance first = Convert.service(ctx.backend.registerService(req));
    // Refresh under the id the gateway assigned, so a defaulted id stays the same instance.
    RegisterServiceRequest again = req.toBuilder().setId(first.id()).build();
    RegisteredService s = new RegisteredService(ctx, again, first);
    ctx.register(s);
    if (!reg.ttl().isZero()) {
      long period = Math.max(1, reg.ttl().toMillis() / 3);
      s.refresher = ctx.timer.scheduleWithFixedDelay(s::refresh, period, period, TimeUnit.MILLISECONDS);
    }
    return s;
  }

  /** The instance as last registered. */
  public ServiceInstance instance() {
    return instance;
  }

  /** The failure of the last refresh, if it failed (the next one retries). */
  public java.util.Optional<HearsayException> lastRefreshError() {
    return java.util.Optional.ofNullable(lastRefreshError);
  }

  private void refresh() {
    if (closed) return;
    try {
      instance = Convert.service(ctx.backend.registerService(request));
      lastRefreshError = null;
    } catch (HearsayException e) {
      lastRefreshError = e;
    } catch (RuntimeException e) {
      lastRefreshError = new InternalException("refresh failed: " + e, e);
    }
  }

  /** Stops refreshing and deregisters the instance (best effort: it expires by its TTL otherwise). */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    ScheduledFuture<?> r = refresher;
    if (r != null) r.cancel(false);
    ctx.unregister(this);
    try {
      ctx.backend.deregisterService(
          DeregisterServiceRequest.newBuilder()
              .setOverlay(request.getOverlay())
              .setName(request.getName())
              .setId(instance.id())
              .build());
    } catch (HearsayException e) {
      // gone already, or the gateway is; a TTL instance expires on its own
    }
  }
}

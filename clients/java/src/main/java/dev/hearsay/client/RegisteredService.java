package dev.hearsay.client;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.RegisterServiceRequest;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A service instance this client registered. With a TTL the SDK re-registers it every
 * ttl/3 while the client is open, so it stays passing; close() (or closing the client)
 * stops that and deregisters it.
 *
 * <p>A refresh already sent when close() is called could reach the gateway after the
 * DeregisterService and register the instance again, so close() first waits for the
 * refresh in flight (at most one call timeout); no refresh starts once close() began.
 */
public final class RegisteredService implements AutoCloseable {
  private final ClientContext ctx;
  private final RegisterServiceRequest request;
  private volatile ServiceInstance instance;
  private volatile HearsayException lastRefreshError;
  /** Guards refresher, stopped and refreshing. */
  private final Object lock = new Object();
  private ScheduledFuture<?> refresher;
  private boolean stopped; // no refresh starts once set
  private boolean refreshing; // a RegisterService refresh is in flight
  /** Serializes close(): a concurrent one returns once the first has deregistered. */
  private final Object closing = new Object();
  private boolean closed; // guarded by closing

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
      synchronized (s.lock) {
        if (!s.stopped) {
          s.refresher = ctx.timer.scheduleWithFixedDelay(s::refresh, period, period, TimeUnit.MILLISECONDS);
        }
      }
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

  /** Whether this is the instance {@code name}/{@code id} of {@code overlay}. */
  boolean is(String overlay, String name, String id) {
    return request.getOverlay().equals(overlay) && request.getName().equals(name) && request.getId().equals(id);
  }

  private void refresh() {
    synchronized (lock) {
      if (stopped) return;
      refreshing = true;
    }
    try {
      instance = Convert.service(ctx.backend.registerService(request));
      lastRefreshError = null;
    } catch (HearsayException e) {
      lastRefreshError = e;
    } catch (RuntimeException e) {
      lastRefreshError = new InternalException("refresh failed: " + e, e);
    } finally {
      synchronized (lock) {
        refreshing = false;
        lock.notifyAll();
      }
    }
  }

  /**
   * Stops refreshing and returns once no refresh is in flight, so that a DeregisterService
   * sent next is the last word. Waits uninterruptibly (a refresh ends within the call
   * timeout); an interrupt is kept for the caller.
   */
  private void stopRefreshing() {
    boolean interrupted = false;
    synchronized (lock) {
      stopped = true;
      if (refresher != null) refresher.cancel(false);
      while (refreshing) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    ctx.unregister(this);
    if (interrupted) Thread.currentThread().interrupt();
  }

  /**
   * For HearsayClient.deregisterService, which sends the DeregisterService itself: stops
   * refreshing (waiting for the refresh in flight) and makes close() a no-op, so it cannot
   * remove a later registration of the same id.
   */
  void detach() {
    synchronized (closing) {
      closed = true;
      stopRefreshing();
    }
  }

  /** Stops refreshing and deregisters the instance (best effort: it expires by its TTL otherwise). */
  @Override
  public void close() {
    synchronized (closing) {
      if (closed) return;
      closed = true;
      stopRefreshing();
      try {
        ctx.backend.deregisterService(
            DeregisterServiceRequest.newBuilder()
                .setOverlay(request.getOverlay())
                .setName(request.getName())
                .setId(request.getId())
                .build());
      } catch (HearsayException e) {
        // gone already, or the gateway is; a TTL instance expires on its own
      }
    }
  }
}

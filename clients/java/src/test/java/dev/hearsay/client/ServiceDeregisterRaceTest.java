package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.v1.DeregisterServiceRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A TTL refresh in flight when the application deregisters must not register the instance
 * again: a real gateway, over gRPC and Thrift, with refreshes slowed down (a slow link) so one
 * is in flight at the moment of the deregister; then 2 x TTL without the instance listed.
 */
@ExtendWith(LiveGateway.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServiceDeregisterRaceTest {
  private static final Duration TTL = Duration.ofMillis(500); // the gateway's minimum: refreshed every ~166 ms
  private static final long IN_FLIGHT_MS = 300; // how long each refresh waits before it is sent
  private static final int ROUNDS = 3;

  /** A client context whose backend holds every refresh back IN_FLIGHT_MS; `started` gets a permit per refresh. */
  private static ClientContext slowRefreshes(GatewayProcess gw, Transport t, Semaphore started) {
    Duration d = Duration.ofSeconds(10);
    String[] hp = gw.address(t).split(":");
    Settings s = new Settings(hp[0], Integer.parseInt(hp[1]), "", null, "", d, d, Duration.ofSeconds(30), d);
    Backend real = t == Transport.GRPC ? new GrpcBackend(s) : new ThriftBackend(s);
    int[] registers = {0};
    Backend slow =
        (Backend)
            Proxy.newProxyInstance(
                Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class},
                (proxy, m, args) -> {
                  if (m.getName().equals("registerService") && registers[0]++ > 0) { // refreshes run on one thread
                    started.release();
                    Thread.sleep(IN_FLIGHT_MS);
                  }
                  try {
                    return m.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    return new ClientContext(slow, s);
  }

  private static void assertStaysGone(HearsayClient lister, String name) throws InterruptedException {
    long until = System.nanoTime() + 2 * TTL.toNanos();
    while (System.nanoTime() < until) {
      assertEquals(List.of(), lister.services(name), name + " is back after its deregister");
      Thread.sleep(20);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closeOutlivesARefreshInFlight(Transport t, GatewayProcess gw) throws Exception {
    String name = "java-race-" + t.name().toLowerCase();
    Semaphore started = new Semaphore(0);
    ClientContext ctx = slowRefreshes(gw, t, started);
    try (HearsayClient lister = gw.client(Transport.GRPC)) {
      for (int i = 0; i < ROUNDS; i++) {
        RegisteredService s = RegisteredService.register(ctx, ServiceRegistration.of(name, 9000 + i).ttl(TTL));
        started.drainPermits();
        assertTrue(started.tryAcquire(5, TimeUnit.SECONDS), "no refresh started");
        // Two closes at once: both return after the refresh in flight and the deregister.
        List<Thread> closes = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
          Thread c = new Thread(s::close);
          c.start();
          closes.add(c);
        }
        for (Thread c : closes) c.join(10_000);
        assertStaysGone(lister, name);
      }
    } finally {
      ctx.close();
      ctx.backend.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void detachThenDeregisterOutlivesARefreshInFlight(Transport t, GatewayProcess gw) throws Exception {
    String name = "java-race-detach-" + t.name().toLowerCase();
    Semaphore started = new Semaphore(0);
    ClientContext ctx = slowRefreshes(gw, t, started);
    try (HearsayClient lister = gw.client(Transport.GRPC)) {
      RegisteredService s = RegisteredService.register(ctx, ServiceRegistration.of(name, 9100).ttl(TTL));
      started.drainPermits();
      assertTrue(started.tryAcquire(5, TimeUnit.SECONDS), "no refresh started");
      String id = s.instance().id();
      for (RegisteredService r : ctx.registrations(name, id)) r.detach(); // as HearsayClient.deregisterService
      assertTrue(
          ctx.backend.deregisterService(
              DeregisterServiceRequest.newBuilder().setName(name).setId(id).build()));
      assertStaysGone(lister, name);
    } finally {
      ctx.close();
      ctx.backend.close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void closingTheClientOutlivesARefreshInFlight(Transport t, GatewayProcess gw) throws Exception {
    String name = "java-race-close-" + t.name().toLowerCase();
    Semaphore started = new Semaphore(0);
    ClientContext ctx = slowRefreshes(gw, t, started);
    try (HearsayClient lister = gw.client(Transport.GRPC)) {
      RegisteredService.register(ctx, ServiceRegistration.of(name, 9200).ttl(TTL));
      started.drainPermits();
      assertTrue(started.tryAcquire(5, TimeUnit.SECONDS), "no refresh started");
      ctx.close();
      assertStaysGone(lister, name);
    } finally {
      ctx.backend.close();
    }
  }

  /** The public path: HearsayClient.deregisterService of a TTL instance it keeps also stops the refresher. */
  @ParameterizedTest
  @EnumSource(Transport.class)
  void clientDeregisterServiceStopsTheRefresher(Transport t, GatewayProcess gw) throws Exception {
    String name = "java-race-client-" + t.name().toLowerCase();
    try (HearsayClient c = gw.client(t)) {
      for (int i = 0; i < ROUNDS; i++) {
        RegisteredService s = c.registerService(ServiceRegistration.of(name, 9300 + i).ttl(TTL));
        Thread.sleep(TTL.toMillis() / 3 + 20 * i); // at a different point of the refresh cycle each round
        assertTrue(c.deregisterService(name, s.instance().id()));
        assertStaysGone(c, name);
        s.close(); // a no-op now
        assertFalse(c.deregisterService(name, s.instance().id()));
      }
    }
  }
}

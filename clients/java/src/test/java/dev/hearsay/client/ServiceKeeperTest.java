package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.v1.DeregisterServiceRequest;
import dev.hearsay.v1.RegisterServiceRequest;
import dev.hearsay.v1.Service;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RegisteredService's TTL refresher over a fake backend whose refresh blocks until released:
 * close() waits for the refresh in flight, deregisters after it, and nothing refreshes later.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServiceKeeperTest {
  /** Answers the first RegisterService at once; every later one (a refresh) waits for {@link #release}. */
  static final class FakeGateway {
    final List<String> log = new ArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger registers = new AtomicInteger();
    final boolean fail;

    FakeGateway(boolean fail) {
      this.fail = fail;
    }

    synchronized void note(String what) {
      log.add(what);
    }

    synchronized List<String> log() {
      return List.copyOf(log);
    }

    void release() {
      gate.countDown();
    }

    Service register(RegisterServiceRequest req) throws InterruptedException {
      Service s = Service.newBuilder().setName(req.getName()).setId("n:" + req.getName()).setPort(req.getPort()).build();
      if (registers.getAndIncrement() == 0) return s;
      note("refresh sent");
      entered.countDown();
      assertTrue(gate.await(10, TimeUnit.SECONDS));
      note("refresh answered");
      if (fail) throw new UnavailableException("gateway gone");
      return s;
    }

    boolean deregister(DeregisterServiceRequest req) {
      note("deregister " + req.getName() + "/" + req.getId());
      return true;
    }

    ClientContext context() {
      Backend b =
          (Backend)
              Proxy.newProxyInstance(
                  Backend.class.getClassLoader(),
                  new Class<?>[] {Backend.class},
                  (proxy, m, args) ->
                      switch (m.getName()) {
                        case "registerService" -> register((RegisterServiceRequest) args[0]);
                        case "deregisterService" -> deregister((DeregisterServiceRequest) args[0]);
                        case "close" -> null;
                        default -> throw new UnsupportedOperationException(m.getName());
                      });
      Duration s = Duration.ofSeconds(5);
      return new ClientContext(b, new Settings("127.0.0.1", 1, "", null, "", s, s, s, s));
    }
  }

  private static RegisteredService register(ClientContext ctx) {
    return RegisteredService.register(ctx, ServiceRegistration.of("svc", 80).ttl(Duration.ofMillis(30))); // every 10 ms
  }

  private static Thread start(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @ParameterizedTest(name = "refresh fails: {0}")
  @ValueSource(booleans = {false, true})
  void closeWaitsForTheRefreshInFlightAndNothingRefreshesAfter(boolean fail) throws Exception {
    FakeGateway gw = new FakeGateway(fail);
    ClientContext ctx = gw.context();
    RegisteredService s = register(ctx);
    assertTrue(gw.entered.await(5, TimeUnit.SECONDS));
    // Two closes at once: neither returns before the refresh, one deregisters.
    Thread a = start(s::close);
    Thread b = start(s::close);
    Thread.sleep(200);
    assertTrue(a.isAlive() && b.isAlive(), "close() returned with a refresh in flight");
    assertEquals(List.of("refresh sent"), gw.log());
    gw.release();
    a.join(5_000);
    b.join(5_000);
    assertFalse(a.isAlive() || b.isAlive());
    Thread.sleep(200); // 20 refresh periods: none may start
    assertEquals(List.of("refresh sent", "refresh answered", "deregister svc/n:svc"), gw.log());
    assertEquals(fail, s.lastRefreshError().isPresent());
    ctx.close();
    assertEquals(3, gw.log().size(), "closing the client deregisters nothing more");
  }

  @Test
  void detachWaitsForTheRefreshInFlightAndLeavesCloseNothingToDo() throws Exception {
    FakeGateway gw = new FakeGateway(false);
    ClientContext ctx = gw.context();
    RegisteredService s = register(ctx);
    assertTrue(gw.entered.await(5, TimeUnit.SECONDS));
    List<RegisteredService> found = ctx.registrations("svc", "n:svc");
    assertEquals(List.of(s), found);
    assertEquals(List.of(), ctx.registrations("svc", "other"));
    Thread d = start(s::detach); // what HearsayClient.deregisterService does before its call
    Thread.sleep(200);
    assertTrue(d.isAlive(), "detach() returned with a refresh in flight");
    gw.release();
    d.join(5_000);
    assertFalse(d.isAlive());
    assertEquals(List.of(), ctx.registrations("svc", "n:svc"));
    s.close(); // a no-op: it must not remove a later registration of the same id
    Thread.sleep(100);
    assertEquals(List.of("refresh sent", "refresh answered"), gw.log());
  }

  @Test
  void closingTheClientDeregistersAfterTheRefreshInFlight() throws Exception {
    FakeGateway gw = new FakeGateway(false);
    ClientContext ctx = gw.context();
    register(ctx);
    assertTrue(gw.entered.await(5, TimeUnit.SECONDS));
    Thread c = start(ctx::close);
    Thread.sleep(200);
    assertTrue(c.isAlive(), "the client closed with a refresh in flight");
    gw.release();
    c.join(5_000);
    assertFalse(c.isAlive());
    assertEquals(List.of("refresh sent", "refresh answered", "deregister svc/n:svc"), gw.log());
  }
}

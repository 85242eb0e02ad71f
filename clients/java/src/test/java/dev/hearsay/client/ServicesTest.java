package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.client.LiveCluster.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Service registration (TTL kept alive by the SDK), catalog queries and watches across the cluster. */
@ExtendWith(LiveCluster.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServicesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void aTtlRegistrationStaysPassingWhileOpenAndGoesAwayOnClose(Transport t, Cluster c) throws Exception {
    String name = "java-svc-" + t.name().toLowerCase();
    try (HearsayClient owner = c.g1().client(t);
        HearsayClient watcher = c.g2().client(t);
        HearsayClient reader = c.g3().client(t)) {
      Collector<ServiceEvent> events = new Collector<>();
      try (Watch<ServiceInstance> w = watcher.watchServices(name, WatchOptions.DEFAULTS.includeCurrent(true), events)) {
        RegisteredService reg =
            owner.registerService(
                ServiceRegistration.of(name, 9092).address("10.0.0.1").tags(Map.of("v", "3")).ttl(Duration.ofMillis(1_500)));
        ServiceInstance inst = reg.instance();
        assertEquals(name, inst.name());
        assertEquals("java-c1", inst.node());
        assertFalse(inst.id().isEmpty());
        ServiceEvent registered =
            // CURRENT when the registration reached g2 before the watch had started there.
            events.awaitMatch(
                e ->
                    (e.kind() == ServiceEventKind.REGISTERED || e.kind() == ServiceEventKind.CURRENT)
                        && e.instance().id().equals(inst.id()),
                WAIT);
        assertEquals(List.of(inst.id()), registered.instances().stream().map(ServiceInstance::id).toList());
        Wait.until(WAIT, name + " listed at g3", () -> reader.services(name).size() == 1);
        Thread.sleep(4_000); // past the TTL (and the critical grace) twice over: refreshed every 500 ms
        List<ServiceInstance> listed = reader.services(name, true, Map.of("v", "3"));
        assertEquals(1, listed.size(), "still passing: " + reader.services(name));
        assertEquals(ServiceHealth.PASSING, listed.get(0).health());
        assertEquals(9092, listed.get(0).port());
        assertEquals("10.0.0.1", listed.get(0).address());
        assertEquals(1_500, listed.get(0).ttlMs());
        assertTrue(reg.lastRefreshError().isEmpty());
        reg.close();
        events.awaitMatch(e -> e.kind() == ServiceEventKind.DEREGISTERED && e.instance().id().equals(inst.id()), WAIT);
        Wait.until(WAIT, name + " gone at g3", () -> reader.services(name).isEmpty());
        assertTrue(w.isOpen());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void deregisterByIdAndClosingTheClientDeregisters(Transport t, Cluster c) throws Exception {
    String name = "java-svc2-" + t.name().toLowerCase();
    try (HearsayClient reader = c.g2().client(t)) {
      try (HearsayClient owner = c.g3().client(t)) {
        owner.registerService(ServiceRegistration.of(name, 1000).id("a"));
        owner.registerService(ServiceRegistration.of(name, 1001).id("b"));
        Wait.until(WAIT, "both instances at g2", () -> reader.services(name).size() == 2);
        assertTrue(owner.deregisterService(name, "a"));
        assertFalse(owner.deregisterService(name, "a"));
        Wait.until(WAIT, "one instance at g2", () -> reader.services(name).size() == 1);
      }
      Wait.until(WAIT, "none after the owner closed", () -> reader.services(name).isEmpty());
      assertThrows(IllegalArgumentException.class, () -> ServiceRegistration.of(name, 0));
      assertThrows(IllegalArgumentException.class, () -> ServiceRegistration.of("", 1));
      assertThrows(IllegalArgumentException.class, () -> ServiceRegistration.of(name, 1).ttl(Duration.ofMillis(-1)));
      assertThrows(InvalidArgumentException.class,
          () -> reader.registerService(ServiceRegistration.of(name, 1).tags(Map.of("", "x"))));
    }
  }
}

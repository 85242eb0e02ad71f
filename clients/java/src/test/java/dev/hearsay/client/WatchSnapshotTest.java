package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.client.LiveCluster.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End of snapshot on member and service watches, over gRPC and Thrift: CURRENT events,
 * exactly one SNAPSHOT_END (also for an empty set, and first without includeCurrent), then
 * live events; {@link Watch#snapshot()} / {@link Watch#awaitSnapshot}.
 */
@ExtendWith(LiveCluster.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchSnapshotTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final WatchOptions CURRENT = WatchOptions.DEFAULTS.includeCurrent(true);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void memberWatchCurrentEventsThenOneSnapshotEnd(Transport t, Cluster c) throws Exception {
    try (HearsayClient client = c.g1().client(t)) {
      Collector<MemberEvent> events = new Collector<>();
      try (Watch<Member> w = client.watchMembers(CURRENT, events)) {
        List<Member> current = w.awaitSnapshot(WAIT);
        Set<String> alive = current.stream()
            .filter(m -> m.status() == MemberStatus.ALIVE).map(Member::name).collect(Collectors.toSet());
        assertEquals(Set.of("java-c1", "java-c2", "java-c3"), alive);
        // The listener was handed every CURRENT event, then the end, before the future completed.
        List<MemberEvent> got = events.items();
        assertEquals(current.size() + 1, got.size(), got.toString());
        assertTrue(got.subList(0, current.size()).stream().allMatch(e -> e.kind() == MemberEventKind.CURRENT));
        MemberEvent end = got.get(current.size());
        assertEquals(MemberEventKind.SNAPSHOT_END, end.kind());
        assertNull(end.member());
        assertTrue(end.timeMs() > 0);
        Thread.sleep(300);
        assertEquals(got.size(), events.items().size(), "nothing more without a change");
        assertTrue(w.snapshot().isDone());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void anEmptySetIsToldApartFromNotYet(Transport t, Cluster c) throws Exception {
    try (HearsayClient client = c.g2().client(t)) {
      Collector<MemberEvent> members = new Collector<>();
      try (Watch<Member> w = client.watchMembers(CURRENT.tags(Map.of("role", "nobody")), members)) {
        assertEquals(List.of(), w.awaitSnapshot(WAIT));
        assertEquals(List.of(MemberEventKind.SNAPSHOT_END), members.items().stream().map(MemberEvent::kind).toList());
      }
      Collector<ServiceEvent> services = new Collector<>();
      try (Watch<ServiceInstance> w = client.watchServices("java-snap-none-" + t, CURRENT, services)) {
        assertEquals(List.of(), w.awaitSnapshot(WAIT));
        ServiceEvent end = services.await(1, WAIT).get(0);
        assertEquals(ServiceEventKind.SNAPSHOT_END, end.kind());
        assertNull(end.instance());
        assertEquals(List.of(), end.instances());
      }
      Collector<MemberEvent> live = new Collector<>();
      try (Watch<Member> w = client.watchMembers(WatchOptions.DEFAULTS, live)) {
        assertEquals(List.of(), w.awaitSnapshot(WAIT)); // without includeCurrent: first, the watch is in place
        assertEquals(MemberEventKind.SNAPSHOT_END, live.await(1, WAIT).get(0).kind());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void serviceWatchSnapshotThenLiveChanges(Transport t, Cluster c) throws Exception {
    String name = "java-snap-" + t.name().toLowerCase();
    try (HearsayClient client = c.g3().client(t)) {
      RegisteredService a = client.registerService(ServiceRegistration.of(name, 7101));
      RegisteredService b = client.registerService(ServiceRegistration.of(name, 7102).id("snap-b"));
      Collector<ServiceEvent> events = new Collector<>();
      try (Watch<ServiceInstance> w = client.watchServices(name, CURRENT, events)) {
        List<ServiceInstance> current = w.awaitSnapshot(WAIT);
        assertEquals(Set.of(a.instance().id(), "snap-b"), current.stream().map(ServiceInstance::id).collect(Collectors.toSet()));
        ServiceEvent end = events.await(3, WAIT).get(2);
        assertEquals(ServiceEventKind.SNAPSHOT_END, end.kind());
        assertEquals(2, end.instances().size());
        b.close(); // deregisters
        ServiceEvent gone = events.await(4, WAIT).get(3);
        assertEquals(ServiceEventKind.DEREGISTERED, gone.kind());
        assertEquals("snap-b", gone.instance().id());
      }
      a.close();
    }
  }

  @Test
  void awaitSnapshotOfAClosedWatchThrowsCancelled(Cluster c) throws Exception {
    try (HearsayClient client = c.g1().client(Transport.GRPC)) {
      Watch<Member> w = client.watchMembers(CURRENT, e -> {});
      w.close();
      assertThrows(CancelledException.class, () -> w.awaitSnapshot(WAIT));
      assertTrue(w.snapshot().isCompletedExceptionally());
    }
  }
}

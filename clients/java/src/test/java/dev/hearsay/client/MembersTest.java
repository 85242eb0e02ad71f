package dev.hearsay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearsay.client.LiveCluster.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** members() and watchMembers() against the 3-gateway cluster, a 4th joining and leaving. */
@ExtendWith(LiveCluster.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MembersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @ParameterizedTest
  @EnumSource(Transport.class)
  void membersAndWatchedJoinsAndLeaves(Transport t, Cluster c) throws Exception {
    String extra = "java-m4-" + t.name().toLowerCase();
    try (HearsayClient client = c.g2().client(t)) {
      Set<String> names = client.members().stream().map(Member::name).collect(Collectors.toSet());
      assertTrue(names.containsAll(Set.of("java-c1", "java-c2", "java-c3")), names.toString());
      Member self = client.members(Set.of(MemberStatus.ALIVE), Map.of()).stream()
          .filter(m -> m.name().equals("java-c2")).findFirst().orElseThrow();
      assertEquals(c.g2().gossipAddress, self.address());
      Collector<MemberEvent> events = new Collector<>();
      try (Watch<Member> w = client.watchMembers(WatchOptions.DEFAULTS.includeCurrent(true), events)) {
        List<Member> current = w.awaitSnapshot(WAIT);
        assertTrue(current.stream().map(Member::name).collect(Collectors.toSet()).containsAll(names), current.toString());
        for (String n : names) events.awaitMatch(e -> e.kind() == MemberEventKind.CURRENT && e.member().name().equals(n), WAIT);
        GatewayProcess g4 = GatewayProcess.start(extra, "--join", c.g1().gossipAddress, "--tag", "role=extra");
        try {
          MemberEvent join = events.awaitMatch(e -> e.kind() == MemberEventKind.JOIN && e.member().name().equals(extra), WAIT);
          assertEquals(Map.of("role", "extra"), join.member().tags());
          assertEquals(MemberStatus.ALIVE, join.member().status());
          assertEquals(List.of(extra),
              client.members(Set.of(MemberStatus.ALIVE), Map.of("role", "extra")).stream().map(Member::name).toList());
        } finally {
          g4.close(); // SIGTERM: a graceful leave
        }
        // A graceful leave; when its notice misses this node, the failure detector reports it.
        events.awaitMatch(
            e -> (e.kind() == MemberEventKind.LEAVE || e.kind() == MemberEventKind.FAIL) && e.member().name().equals(extra),
            WAIT);
        assertTrue(w.isOpen());
      }
      assertEquals(null, events.ended.get(10, TimeUnit.SECONDS));
    }
  }
}

package dev.hearsay.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current set a watch's first events describe, complete at the gateway's SNAPSHOT_END
 * ({@link Watch#snapshot()}). Keyed (member name; service name and id), so CURRENT events
 * sent again after a reconnect in the middle of the snapshot replace the ones before
 * instead of doubling.
 *
 * @param <E> the event type
 * @param <S> the set's item type
 */
final class SnapshotFold<E, S> {
  /** How one kind of event adds to a snapshot. */
  interface Rules<E, S> {
    boolean isEnd(E e);

    /** The item the event is about, or null for none. */
    S item(E e);

    Object key(S item);

    /** The event takes its item out of the set. */
    boolean removes(E e);
  }

  static final Rules<MemberEvent, Member> MEMBERS =
      new Rules<>() {
        @Override
        public boolean isEnd(MemberEvent e) {
          return e.kind() == MemberEventKind.SNAPSHOT_END;
        }

        @Override
        public Member item(MemberEvent e) {
          return e.member();
        }

        @Override
        public Object key(Member m) {
          return m.name();
        }

        @Override
        public boolean removes(MemberEvent e) {
          return e.kind() == MemberEventKind.REAP;
        }
      };

  static final Rules<ServiceEvent, ServiceInstance> SERVICES =
      new Rules<>() {
        @Override
        public boolean isEnd(ServiceEvent e) {
          return e.kind() == ServiceEventKind.SNAPSHOT_END;
        }

        @Override
        public ServiceInstance item(ServiceEvent e) {
          return e.instance();
        }

        @Override
        public Object key(ServiceInstance s) {
          return List.of(s.name(), s.id());
        }

        @Override
        public boolean removes(ServiceEvent e) {
          return e.kind() == ServiceEventKind.DEREGISTERED || e.kind() == ServiceEventKind.EXPIRED;
        }
      };

  private final Rules<E, S> rules;
  private final Map<Object, S> set = new LinkedHashMap<>();
  private boolean done;

  SnapshotFold(Rules<E, S> rules) {
    this.rules = rules;
  }

  /** Adds an event; the set when {@code e} is the end (once), else null. */
  List<S> add(E e) {
    if (done) return null;
    if (rules.isEnd(e)) {
      done = true;
      return List.copyOf(set.values());
    }
    S item = rules.item(e);
    if (item == null) return null;
    if (rules.removes(e)) set.remove(rules.key(item));
    else set.put(rules.key(item), item);
    return null;
  }
}

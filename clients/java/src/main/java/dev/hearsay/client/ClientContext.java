package dev.hearsay.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** What the parts of one client share: the backend, the overlay, a timer thread, what is open. */
final class ClientContext {
  final Backend backend;
  final String overlay;
  final Settings settings;
  /** Idle watchdogs, publisher lingers, service refreshes. One daemon thread. */
  final ScheduledExecutorService timer;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ClientContext(Backend backend, Settings settings) {
    this.backend = backend;
    this.settings = settings;
    this.overlay = settings.overlay();
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = Executors.defaultThreadFactory().newThread(r);
              th.setName("hearsay-timer");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
  }

  void ensureOpen() {
    if (closed) throw new IllegalStateException("HearsayClient is closed");
  }

  boolean isClosed() {
    return closed;
  }

  /** Tracks something closed with the client; refused once the client is closed. */
  void register(AutoCloseable c) {
    ensureOpen();
    open.add(c);
    if (closed) {
      open.remove(c);
      throw new IllegalStateException("HearsayClient is closed");
    }
  }

  void unregister(AutoCloseable c) {
    open.remove(c);
  }

  /** The open registrations of service instance {@code name}/{@code id} (at most one, normally). */
  List<RegisteredService> registrations(String name, String id) {
    List<RegisteredService> out = new ArrayList<>();
    for (AutoCloseable c : open) {
      if (c instanceof RegisteredService s && s.is(overlay, name, id)) out.add(s);
    }
    return out;
  }

  /** Closes everything registered, then the timer. */
  void close() {
    closed = true;
    for (AutoCloseable c : open.toArray(new AutoCloseable[0])) {
      try {
        c.close();
      } catch (Exception e) {
        // closing the rest matters more
      }
    }
    open.clear();
    timer.shutdownNow();
  }
}

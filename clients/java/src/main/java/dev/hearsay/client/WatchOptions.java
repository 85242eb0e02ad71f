package dev.hearsay.client;

import java.util.Map;

/**
 * Options of a member or service watch. Events during a disconnection are not replayed
 * by the gateway, so after each reconnect a watch asks for CURRENT events again, then a
 * SNAPSHOT_END, which re-sync the listener (what it holds that the re-sync did not name is
 * gone).
 *
 * @param includeCurrent start with a CURRENT event for every known member / instance (a
 *     SNAPSHOT_END follows either way: without, it is the first event)
 * @param tags members only: only events of members carrying every one of these tags
 * @param reconnect reconnect timing
 * @param onRetry told about each failure that will be retried
 */
public record WatchOptions(
    boolean includeCurrent, Map<String, String> tags, Reconnect reconnect, RetryListener onRetry) {
  /** No CURRENT events at the start, no tag filter, default reconnects. */
  public static final WatchOptions DEFAULTS = new WatchOptions(false, Map.of(), Reconnect.DEFAULT, (e, a, d) -> {});

  public WatchOptions {
    tags = Args.stringMap(tags == null ? Map.of() : tags, "tags");
    Args.notNull(reconnect, "reconnect");
    Args.notNull(onRetry, "onRetry");
  }

  public WatchOptions includeCurrent(boolean includeCurrent) {
    return new WatchOptions(includeCurrent, tags, reconnect, onRetry);
  }

  public WatchOptions tags(Map<String, String> tags) {
    return new WatchOptions(includeCurrent, tags, reconnect, onRetry);
  }

  public WatchOptions reconnect(Reconnect reconnect) {
    return new WatchOptions(includeCurrent, tags, reconnect, onRetry);
  }

  public WatchOptions onRetry(RetryListener onRetry) {
    return new WatchOptions(includeCurrent, tags, reconnect, onRetry);
  }
}

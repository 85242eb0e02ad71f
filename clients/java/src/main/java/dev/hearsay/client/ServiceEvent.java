package dev.hearsay.client;

import java.util.List;

/**
 * A service catalog change.
 *
 * @param kind what happened
 * @param instance the instance the event is about; null for {@link ServiceEventKind#SNAPSHOT_END}
 * @param instances every passing instance of the watched name after this event
 * @param timeMs when the gateway observed it, Unix epoch ms
 */
public record ServiceEvent(
    ServiceEventKind kind, ServiceInstance instance, List<ServiceInstance> instances, long timeMs) {
  public ServiceEvent {
    instances = List.copyOf(instances);
  }
}

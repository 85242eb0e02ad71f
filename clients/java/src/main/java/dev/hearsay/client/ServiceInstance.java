package dev.hearsay.client;

import java.util.Map;

/**
 * One registered instance of a service.
 *
 * @param name service name, e.g. "kafka"
 * @param id instance id, unique within {@code name}
 * @param node node whose gateway holds the registration
 * @param address address clients should connect to (host or IP)
 * @param port port clients should connect to
 * @param tags instance tags, e.g. version=3
 * @param health passing, or critical after a missed TTL refresh
 * @param ttlMs when non-zero, the registering client refreshes within this period
 * @param registeredAtMs when first registered, Unix epoch ms
 */
public record ServiceInstance(
    String name,
    String id,
    String node,
    String address,
    int port,
    Map<String, String> tags,
    ServiceHealth health,
    long ttlMs,
    long registeredAtMs) {
  public ServiceInstance {
    tags = Map.copyOf(tags);
  }
}

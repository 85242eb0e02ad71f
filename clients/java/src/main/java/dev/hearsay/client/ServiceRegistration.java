package dev.hearsay.client;

import java.time.Duration;
import java.util.Map;

/**
 * A service instance to register on the local gateway:
 * {@code ServiceRegistration.of("kafka", 9092).ttl(Duration.ofSeconds(10))}.
 * Immutable; each {@code with}-style method returns a copy.
 *
 * @param name service name, e.g. "kafka"
 * @param id instance id; empty = the gateway's default "&lt;node&gt;:&lt;name&gt;:&lt;port&gt;"
 * @param address address clients should use; empty = the node's advertised host
 * @param port port clients should connect to, 1-65535
 * @param tags instance tags, e.g. version=3
 * @param ttl zero = the instance lives until deregistered or its node goes; otherwise the
 *     SDK refreshes the registration every ttl/3 while the client is open
 */
public record ServiceRegistration(
    String name, String id, String address, int port, Map<String, String> tags, Duration ttl) {
  /** Longest TTL the API carries (ttl_ms is a uint32; Thrift's i32). */
  static final long MAX_TTL_MS = Integer.MAX_VALUE;

  public ServiceRegistration {
    Args.notEmpty(name, "name");
    id = id == null ? "" : id;
    address = address == null ? "" : address;
    if (port < 1 || port > 65535) throw new IllegalArgumentException("port: must be 1-65535, got " + port);
    tags = Args.stringMap(tags == null ? Map.of() : tags, "tags");
    Args.notNegative(ttl == null ? Duration.ZERO : ttl, "ttl");
    ttl = ttl == null ? Duration.ZERO : ttl;
    if (ttl.toMillis() > MAX_TTL_MS) throw new IllegalArgumentException("ttl: at most " + MAX_TTL_MS + " ms");
    if (!ttl.isZero() && ttl.toMillis() < 3) throw new IllegalArgumentException("ttl: at least 3 ms, or zero for none");
  }

  public static ServiceRegistration of(String name, int port) {
    return new ServiceRegistration(name, "", "", port, Map.of(), Duration.ZERO);
  }

  public ServiceRegistration id(String id) {
    return new ServiceRegistration(name, id, address, port, tags, ttl);
  }

  public ServiceRegistration address(String address) {
    return new ServiceRegistration(name, id, address, port, tags, ttl);
  }

  public ServiceRegistration tags(Map<String, String> tags) {
    return new ServiceRegistration(name, id, address, port, tags, ttl);
  }

  public ServiceRegistration ttl(Duration ttl) {
    return new ServiceRegistration(name, id, address, port, tags, Args.notNull(ttl, "ttl"));
  }
}

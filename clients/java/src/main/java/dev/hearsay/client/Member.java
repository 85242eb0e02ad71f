package dev.hearsay.client;

import java.util.List;
import java.util.Map;

/**
 * A node of the overlay.
 *
 * @param name unique node name
 * @param address overlay (gossip) address, "host:port" or "[v6]:port"
 * @param status alive, suspect, dead or left
 * @param incarnation SWIM incarnation number (unsigned 64-bit in a long)
 * @param tags member tags, e.g. role=broker
 * @param statusSinceMs when {@code status} last changed, as seen locally, Unix epoch ms
 * @param protocolVersion overlay protocol version the node speaks
 * @param subscribedTypes digest types this node's subscribers are interested in
 */
public record Member(
    String name,
    String address,
    MemberStatus status,
    long incarnation,
    Map<String, String> tags,
    long statusSinceMs,
    int protocolVersion,
    List<String> subscribedTypes) {
  public Member {
    tags = Map.copyOf(tags);
    subscribedTypes = List.copyOf(subscribedTypes);
  }
}

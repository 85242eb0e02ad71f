package dev.hearsay.client;

import java.util.List;

/**
 * Who a gateway is, what it speaks and which limits it enforces; the answer to
 * {@link HearsayClient#info()}, the same over gRPC and Thrift.
 *
 * @param nodeName this gateway's node name in the overlay
 * @param overlay the overlay this answer is about
 * @param version Hearsay release, e.g. "0.1.0"
 * @param apiVersion client API major version (1 for hearsay.v1)
 * @param protocolVersion overlay protocol version spoken between gateways
 * @param overlayAddress gossip address of this node
 * @param uptimeMs milliseconds since the gateway started
 * @param aliveMembers members currently alive, this node included
 * @param limits limits enforced on client requests
 * @param features capabilities offered, e.g. "publish", "thrift"; others answer UNIMPLEMENTED
 */
public record GatewayInfo(
    String nodeName,
    String overlay,
    String version,
    int apiVersion,
    int protocolVersion,
    String overlayAddress,
    long uptimeMs,
    int aliveMembers,
    Limits limits,
    List<String> features) {

  public GatewayInfo {
    features = List.copyOf(features);
  }

  /**
   * Limits the gateway enforces on client requests.
   *
   * @param maxDigestBytes largest accepted payload, bytes
   * @param maxHeaders most headers per digest
   * @param maxHeaderBytes largest total of header keys + values per digest, bytes
   * @param maxTypesPerSubscription most types in one subscription
   * @param maxSubscriptionsPerClient most concurrent subscriptions per client
   * @param maxBatchDigests most digests in one publish batch or subscribe batch
   */
  public record Limits(
      int maxDigestBytes,
      int maxHeaders,
      int maxHeaderBytes,
      int maxTypesPerSubscription,
      int maxSubscriptionsPerClient,
      int maxBatchDigests) {}
}

# frozen_string_literal: true

module Hearsay
  # Limits a gateway enforces on client requests (InfoResponse.limits).
  #
  # @!attribute [r] max_digest_bytes
  #   @return [Integer] largest accepted payload, bytes
  # @!attribute [r] max_headers
  #   @return [Integer] most headers per digest
  # @!attribute [r] max_header_bytes
  #   @return [Integer] largest total of header keys + values per digest, bytes
  # @!attribute [r] max_types_per_subscription
  #   @return [Integer] most types in one subscription
  # @!attribute [r] max_subscriptions_per_client
  #   @return [Integer] most concurrent subscriptions per client
  # @!attribute [r] max_batch_digests
  #   @return [Integer] most digests in one publish batch or subscribe batch
  Limits = Struct.new(
    :max_digest_bytes, :max_headers, :max_header_bytes,
    :max_types_per_subscription, :max_subscriptions_per_client, :max_batch_digests,
    keyword_init: true
  )

  # Who a gateway is, what it speaks and which limits it enforces; the same
  # value whichever transport answered.
  #
  # @!attribute [r] node_name
  #   @return [String] the gateway's node name in the overlay
  # @!attribute [r] overlay
  #   @return [String] overlay this answer is about
  # @!attribute [r] version
  #   @return [String] Hearsay release, e.g. "0.1.0"
  # @!attribute [r] api_version
  #   @return [Integer] client API major version (1 for hearsay.v1)
  # @!attribute [r] protocol_version
  #   @return [Integer] overlay protocol version spoken between gateways
  # @!attribute [r] overlay_address
  #   @return [String] overlay (gossip) address of the node
  # @!attribute [r] uptime_ms
  #   @return [Integer] milliseconds since the gateway started
  # @!attribute [r] alive_members
  #   @return [Integer] members currently alive, this node included
  # @!attribute [r] limits
  #   @return [Hearsay::Limits]
  # @!attribute [r] features
  #   @return [Array<String>] capabilities offered, e.g. "publish", "thrift"
  GatewayInfo = Struct.new(
    :node_name, :overlay, :version, :api_version, :protocol_version,
    :overlay_address, :uptime_ms, :alive_members, :limits, :features,
    keyword_init: true
  ) do
    # @param feature [String, Symbol]
    # @return [Boolean] whether the gateway lists this capability
    def feature?(feature)
      features.include?(feature.to_s)
    end
  end
end

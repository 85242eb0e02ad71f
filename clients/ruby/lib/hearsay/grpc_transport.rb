# frozen_string_literal: true

module Hearsay
  # The gRPC side of a {Client}: one channel to the gateway's gRPC port and the
  # generated hearsay.v1.Gateway stub on it. Thread-safe (gRPC channels are).
  # @api private
  class GrpcTransport
    # Keep-alive pings so quiet connections (an idle subscription, a NAT or a
    # load balancer on the way) are noticed and kept open.
    KEEPALIVE_ARGS = {
      # Ping after this long without activity; well above the gateway's
      # accepted minimum (5 s) so it never answers with "too many pings".
      "grpc.keepalive_time_ms" => 30_000,
      # Declare the connection dead when a ping is not answered within this.
      "grpc.keepalive_timeout_ms" => 10_000,
      # Ping even with no call in flight: a client often sits idle between calls.
      "grpc.keepalive_permit_without_calls" => 1,
      # 0 = no cap on pings while no data flows (quiet server streams).
      "grpc.http2.max_pings_without_data" => 0
    }.freeze

    # @param address [String] "host:port" of the gateway's gRPC port
    # @param token [String, nil] sent as `authorization: Bearer <token>`
    # @param tls [Hearsay::TLS, nil]
    # @param call_timeout_s [Numeric] deadline of each unary call, seconds
    def initialize(address:, token:, tls:, call_timeout_s:)
      @address = address
      @call_timeout_s = call_timeout_s
      @metadata = token.nil? || token.empty? ? {} : { "authorization" => "Bearer #{token}" }
      creds = tls ? tls.grpc_credentials : :this_channel_is_insecure
      args = KEEPALIVE_ARGS.merge(tls ? tls.grpc_channel_args : {})
      @channel = GRPC::Core::Channel.new(address, args, creds)
      @stub = V1::Gateway::Stub.new(address, creds, channel_override: @channel)
    end

    # @param overlay [String] "" = default
    # @param timeout_s [Numeric, nil] overrides the call deadline
    # @return [Hearsay::GatewayInfo]
    def info(overlay, timeout_s: nil)
      resp = call(:info, V1::InfoRequest.new(overlay: overlay), timeout_s)
      GatewayInfo.new(
        node_name: resp.node_name, overlay: resp.overlay, version: resp.version,
        api_version: resp.api_version, protocol_version: resp.protocol_version,
        overlay_address: resp.overlay_address, uptime_ms: resp.uptime_ms,
        alive_members: resp.alive_members, limits: limits(resp.limits),
        features: resp.features.to_a
      )
    end

    # Calls a unary RPC of the generated stub, mapping failures to {Hearsay::Error}.
    # @api private
    def call(method, request, timeout_s = nil)
      @stub.public_send(method, request,
                        deadline: Time.now + (timeout_s || @call_timeout_s),
                        metadata: @metadata)
    rescue GRPC::BadStatus => e
      # The gateway's message as is (transport failures carry gRPC's own, which
      # names the address).
      details = e.details.to_s.empty? ? "gRPC status #{e.code} from #{@address}" : e.details
      raise Hearsay::Error.for_code(e.code, details)
    end

    # Closes the channel; calls in flight fail with Cancelled / Unavailable.
    def close
      @channel.close
    end

    private

    def limits(msg)
      return nil unless msg

      Limits.new(**Limits.members.to_h { |m| [m, msg.public_send(m)] })
    end
  end
end

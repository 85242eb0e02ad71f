# frozen_string_literal: true

module Hearsay
  # The gRPC side of a {Client}: one channel to the gateway's gRPC port and the
  # generated hearsay.v1.Gateway stub on it. Thread-safe (gRPC channels are).
  # Every method answers with the SDK's values and fails with {Hearsay::Error}.
  # @api private
  class GrpcTransport
    C = GrpcConvert
    V = V1

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
      "grpc.http2.max_pings_without_data" => 0,
      # Reconnects are paced by the SDK's own backoff; keep gRPC core's short.
      "grpc.initial_reconnect_backoff_ms" => 100,
      "grpc.max_reconnect_backoff_ms" => 5_000
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
      @stub = V::Gateway::Stub.new(address, creds, channel_override: @channel)
    end

    # @return [Hearsay::GatewayInfo]
    def info(overlay, timeout_s: nil)
      resp = call(:info, V::InfoRequest.new(overlay: overlay), timeout_s)
      GatewayInfo.new(
        node_name: resp.node_name, overlay: resp.overlay, version: resp.version,
        api_version: resp.api_version, protocol_version: resp.protocol_version,
        overlay_address: resp.overlay_address, uptime_ms: resp.uptime_ms,
        alive_members: resp.alive_members, limits: limits(resp.limits),
        features: resp.features.to_a
      )
    end

    # @param spec [Hearsay::SchemaSpec]
    # @return [Hearsay::DigestType] with `created`
    def register_type(overlay, name, spec, skip_payload_validation, description)
      req = V::RegisterDigestTypeRequest.new(overlay: overlay, name: name, schema: C.schema(spec),
                                             skip_payload_validation: skip_payload_validation,
                                             description: description)
      resp = call(:register_digest_type, req)
      raise Internal, "RegisterDigestType answered without a type" unless resp.type

      C.digest_type(resp.type, resp.created)
    end

    def get_type(overlay, name)
      C.digest_type(call(:get_digest_type, V::GetDigestTypeRequest.new(overlay: overlay, name: name)))
    end

    def list_types(overlay, prefix)
      call(:list_digest_types, V::ListDigestTypesRequest.new(overlay: overlay, name_prefix: prefix))
        .types.map { |t| C.digest_type(t) }
    end

    # @param digest [Hearsay::Wire::OutDigest]
    # @return [Hearsay::PublishResult]
    def publish(overlay, digest)
      C.publish_result(call(:publish, V::PublishRequest.new(overlay: overlay, digest: C.new_digest(digest))))
    end

    # One PublishStream call carrying `digests` in requests of at most
    # `max_batch`; the gateway accepts them in order and acknowledges them all
    # when the stream ends.
    # @return [Array<Hearsay::PublishResult>]
    def publish_batch(overlay, digests, max_batch, timeout_s = nil)
      reqs = digests.each_slice(max_batch).map do |slice|
        V::PublishStreamRequest.new(overlay: overlay, digests: slice.map { |d| C.new_digest(d) })
      end
      resp = call(:publish_stream, reqs, timeout_s)
      resp.results.map { |r| C.publish_result(r) }
    end

    # @return [Array<Hearsay::Member>]
    def members(overlay, statuses, tags)
      req = V::ListMembersRequest.new(overlay: overlay, statuses: statuses.map { |s| C.member_status_number(s) },
                                      tags: tags)
      call(:list_members, req).members.map { |m| C.member(m) }
    end

    # @return [Hearsay::Service]
    def register_service(overlay, name:, id:, address:, port:, tags:, ttl_ms:)
      req = V::RegisterServiceRequest.new(overlay: overlay, name: name, id: id, address: address, port: port,
                                          tags: tags, ttl_ms: ttl_ms)
      C.service(call(:register_service, req).service)
    end

    # @return [Boolean] whether an instance was removed
    def deregister_service(overlay, name, id)
      call(:deregister_service, V::DeregisterServiceRequest.new(overlay: overlay, name: name, id: id)).removed
    end

    # @return [Array<Hearsay::Service>]
    def services(overlay, name, passing_only, tags)
      req = V::ListServicesRequest.new(overlay: overlay, name: name, passing_only: passing_only, tags: tags)
      call(:list_services, req).services.map { |s| C.service(s) }
    end

    # @param params [Hearsay::Wire::SubscribeParams]
    # @return [StreamCall] yielding stream items (see {Wire})
    def open_subscription(params)
      StreamCall.new(self, :subscribe, C.subscribe_request(params)) { |r| C.subscribe_item(r) }
    end

    # @return [StreamCall] yielding {Hearsay::MemberEvent}s
    def open_member_watch(overlay, include_current, tags)
      req = V::WatchMembersRequest.new(overlay: overlay, include_current: include_current, tags: tags)
      StreamCall.new(self, :watch_members, req) { |e| C.member_event(e) }
    end

    # @return [StreamCall] yielding {Hearsay::ServiceEvent}s
    def open_service_watch(overlay, name, include_current)
      req = V::WatchServicesRequest.new(overlay: overlay, name: name, include_current: include_current)
      StreamCall.new(self, :watch_services, req) { |e| C.service_event(e) }
    end

    # Calls an RPC of the generated stub, mapping failures to {Hearsay::Error}.
    # @api private
    def call(method, request, timeout_s = nil)
      @stub.public_send(method, request, deadline: Time.now + (timeout_s || @call_timeout_s), metadata: @metadata)
    rescue GRPC::BadStatus => e
      raise error_of(e)
    end

    # Starts a server-streaming call and returns its operation (not yet executed).
    # @api private
    def start_stream(method, request)
      @stub.public_send(method, request, metadata: @metadata, return_op: true)
    end

    # The gateway's message as is (transport failures carry gRPC's own, which
    # names the address).
    # @api private
    def error_of(err)
      details = err.details.to_s.empty? ? "gRPC status #{err.code} from #{@address}" : err.details
      Hearsay::Error.for_code(err.code, details)
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

    # One server-streaming call. #each runs it on the calling thread, yielding
    # each response converted; #cancel (any thread) ends it.
    class StreamCall
      def initialize(transport, method, request, &convert)
        @transport = transport
        @op = transport.start_stream(method, request)
        @convert = convert
      end

      # Returns when the gateway ends the stream; raises {Hearsay::Error} when it fails.
      def each
        @op.execute.each { |r| yield @convert.call(r) }
        nil
      rescue GRPC::BadStatus => e
        raise @transport.error_of(e)
      rescue GRPC::Core::CallError => e
        raise Unavailable, "gRPC call failed: #{e.message}"
      end

      def cancel
        @op.cancel
      rescue StandardError
        nil # already finished
      end
    end
  end
end

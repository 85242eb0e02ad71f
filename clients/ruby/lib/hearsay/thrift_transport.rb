# frozen_string_literal: true

module Hearsay
  # The Thrift side of a {Client}: framed TCP + binary protocol to the gateway's
  # Thrift port and the generated Hearsay::ThriftApi::Gateway client on it.
  # A Thrift connection carries one call at a time, so calls take a lock; after
  # a transport failure the socket is dropped and the next call reconnects.
  # @api private
  class ThriftTransport
    # Thrift's C extension, when loaded, encodes the same bytes faster.
    PROTOCOL = defined?(Thrift::BinaryProtocolAccelerated) ? Thrift::BinaryProtocolAccelerated : Thrift::BinaryProtocol

    # @param address [String] "host:port" of the gateway's Thrift port
    # @param token [String, nil] passed as the first argument of every call
    # @param tls [Hearsay::TLS, nil]
    # @param call_timeout_s [Numeric] socket read/write timeout of each call, seconds
    # @param connect_timeout_s [Numeric] TCP (and TLS) connect timeout, seconds
    def initialize(address:, token:, tls:, call_timeout_s:, connect_timeout_s:)
      @address = address
      @token = token.to_s
      @tls = tls
      @call_timeout_s = call_timeout_s
      @connect_timeout_s = connect_timeout_s
      @lock = Mutex.new
      @socket = nil
    end

    # @param overlay [String] "" = default
    # @param timeout_s [Numeric, nil] overrides the call timeout
    # @return [Hearsay::GatewayInfo]
    def info(overlay, timeout_s: nil)
      r = call(timeout_s) { |c, token| c.info(token, overlay) }
      GatewayInfo.new(
        node_name: r.nodeName.to_s, overlay: r.overlay.to_s, version: r.version.to_s,
        api_version: r.apiVersion.to_i, protocol_version: r.protocolVersion.to_i,
        overlay_address: r.overlayAddress.to_s, uptime_ms: r.uptimeMs.to_i,
        alive_members: r.aliveMembers.to_i, limits: limits(r.limits),
        features: r.features.to_a
      )
    end

    # Runs one call on the generated client (yielded), mapping failures to
    # {Hearsay::Error}. Yields the client and the token, which every Thrift
    # call takes as its first argument.
    # @api private
    def call(timeout_s = nil)
      @lock.synchronize do
        client = connection
        @socket.timeout = timeout_s || @call_timeout_s
        yield client, @token
      rescue ThriftApi::HearsayError => e
        raise Hearsay::Error.for_code(e.code || 2, e.message.to_s)
      rescue Thrift::ApplicationException => e
        # UNKNOWN_METHOD: a gateway older than this SDK's schema.
        code = e.type == Thrift::ApplicationException::UNKNOWN_METHOD ? Unimplemented::CODE : Internal::CODE
        raise Hearsay::Error.for_code(code, e.message.to_s)
      rescue Thrift::TransportException, Thrift::ProtocolException, SystemCallError, IOError => e
        # The stream may hold half a reply now: drop it, reconnect next call.
        disconnect
        raise transport_error(e)
      end
    end

    # Closes the socket; a later call would reconnect, so {Client} refuses them.
    def close
      @lock.synchronize { disconnect }
    end

    private

    def connection
      return @client if @socket&.open?

      host, port = Address.split(@address)
      @socket = if @tls
                  Thrift::SSLSocket.new(host, port, @connect_timeout_s, @tls.ssl_context)
                else
                  Thrift::Socket.new(host, port, @connect_timeout_s)
                end
      transport = Thrift::FramedTransport.new(@socket)
      transport.open
      @transport = transport
      @client = ThriftApi::Gateway::Client.new(PROTOCOL.new(transport))
    end

    def disconnect
      @transport&.close
    rescue StandardError
      nil # already broken; nothing more to release
    ensure
      @socket = @transport = @client = nil
    end

    # Thrift's socket messages already name host:port.
    def transport_error(err)
      timed_out = err.is_a?(Thrift::TransportException) && err.type == Thrift::TransportException::TIMED_OUT
      klass = timed_out ? DeadlineExceeded : Unavailable
      klass.new(err.message.to_s.empty? ? "Thrift connection to #{@address} failed (#{err.class})" : err.message)
    end

    def limits(st)
      return nil unless st

      Limits.new(
        max_digest_bytes: st.maxDigestBytes.to_i, max_headers: st.maxHeaders.to_i,
        max_header_bytes: st.maxHeaderBytes.to_i,
        max_types_per_subscription: st.maxTypesPerSubscription.to_i,
        max_subscriptions_per_client: st.maxSubscriptionsPerClient.to_i,
        max_batch_digests: st.maxBatchDigests.to_i
      )
    end
  end
end

# frozen_string_literal: true

require "timeout"

module Hearsay
  # The Thrift side of a {Client}: framed TCP + binary protocol to the gateway's
  # Thrift port and the generated Hearsay::ThriftApi::Gateway client on it.
  # A Thrift connection carries one call at a time, so calls take a lock; after
  # a transport failure the socket is dropped and the next call reconnects.
  # Subscriptions and watches long-poll on connections of their own ({#fork}).
  # @api private
  class ThriftTransport
    C = ThriftConvert
    A = ThriftApi
    # Thrift's C extension, when loaded, encodes the same bytes faster.
    PROTOCOL = defined?(Thrift::BinaryProtocolAccelerated) ? Thrift::BinaryProtocolAccelerated : Thrift::BinaryProtocol
    # How long one long poll waits for items, ms: well under the gateway's
    # maximum (30 000) and idle expiry (60 000); close interrupts it anyway.
    POLL_WAIT_MS = 10_000
    # Most items one poll returns (the gateway caps it at 4096).
    POLL_MAX_ITEMS = 1_024

    # @return [Numeric] socket timeout of a call, seconds
    attr_reader :call_timeout_s

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

    # @return [Hearsay::ThriftTransport] a transport with its own connection, same settings
    def fork
      self.class.new(address: @address, token: @token, tls: @tls, call_timeout_s: @call_timeout_s,
                     connect_timeout_s: @connect_timeout_s)
    end

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

    def register_type(overlay, name, spec, skip_payload_validation, description)
      req = A::RegisterDigestTypeRequest.new(overlay: overlay, name: name, schema: C.schema(spec),
                                             skipPayloadValidation: skip_payload_validation,
                                             description: description)
      resp = call { |c, t| c.registerDigestType(t, req) }
      raise Internal, "registerDigestType answered without a type" unless resp.type

      C.digest_type(resp.type, resp.created ? true : false)
    end

    def get_type(overlay, name)
      C.digest_type(call { |c, t| c.getDigestType(t, overlay, name) })
    end

    def list_types(overlay, prefix)
      call { |c, t| c.listDigestTypes(t, overlay, prefix) }.map { |x| C.digest_type(x) }
    end

    def publish(overlay, digest)
      C.publish_result(call { |c, t| c.publish(t, overlay, C.new_digest(digest)) })
    end

    # publishBatch calls of at most `max_batch` digests, in order. A refusal
    # names the digest's index in its call; it is rewritten to the index in
    # `digests`, so the caller knows which ones before it were published.
    def publish_batch(overlay, digests, max_batch, timeout_s = nil)
      results = []
      digests.each_slice(max_batch).with_index do |slice, n|
        wire = slice.map { |d| C.new_digest(d) }
        begin
          results.concat(call(timeout_s) { |c, t| c.publishBatch(t, overlay, wire) }.map { |r| C.publish_result(r) })
        rescue Error => e
          offset = n * max_batch
          raise e if offset.zero?

          raise e.class.new(e.message.gsub(/digests\[(\d+)\]/) { "digests[#{Integer(Regexp.last_match(1)) + offset}]" },
                            code: e.code)
        end
      end
      results
    end

    def members(overlay, statuses, tags)
      req = A::ListMembersRequest.new(overlay: overlay, statuses: statuses.map { |s| C.member_status_number(s) },
                                      tags: tags)
      call { |c, t| c.listMembers(t, req) }.map { |m| C.member(m) }
    end

    def register_service(overlay, name:, id:, address:, port:, tags:, ttl_ms:)
      req = A::RegisterServiceRequest.new(overlay: overlay, name: name, id: id, address: address, port: port,
                                          tags: tags, ttlMs: ttl_ms)
      C.service(call { |c, t| c.registerService(t, req) })
    end

    def deregister_service(overlay, name, id)
      call { |c, t| c.deregisterService(t, overlay, name, id) } ? true : false
    end

    def services(overlay, name, passing_only, tags)
      req = A::ListServicesRequest.new(overlay: overlay, name: name, passingOnly: passing_only, tags: tags)
      call { |c, t| c.listServices(t, req) }.map { |s| C.service(s) }
    end

    # @return [PollCall] yielding stream items (see {Wire}), [:started, id] first
    def open_subscription(params)
      req = C.subscribe_request(params)
      PollCall.new(self, started: true, open: ->(c, t) { c.subscribe(t, req) },
                         poll: lambda { |c, t, id|
                           c.poll(t, id, POLL_MAX_ITEMS, POLL_WAIT_MS).map { |i| C.subscription_item(i) }
                         })
    end

    # @return [PollCall] yielding {Hearsay::MemberEvent}s
    def open_member_watch(overlay, include_current, tags)
      req = A::WatchMembersRequest.new(overlay: overlay, includeCurrent: include_current, tags: tags)
      PollCall.new(self, started: false, open: ->(c, t) { c.watchMembers(t, req) },
                         poll: lambda { |c, t, id|
                           c.pollMembers(t, id, POLL_MAX_ITEMS, POLL_WAIT_MS).map { |e| C.member_event(e) }
                         })
    end

    # @return [PollCall] yielding {Hearsay::ServiceEvent}s
    def open_service_watch(overlay, name, include_current)
      req = A::WatchServicesRequest.new(overlay: overlay, name: name, includeCurrent: include_current)
      PollCall.new(self, started: false, open: ->(c, t) { c.watchServices(t, req) },
                         poll: lambda { |c, t, id|
                           c.pollServices(t, id, POLL_MAX_ITEMS, POLL_WAIT_MS).map { |e| C.service_event(e) }
                         })
    end

    # Ends a subscription or watch on the gateway; unknown ids are ignored there.
    def unsubscribe(id)
      call { |c, t| c.unsubscribe(t, id) }
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
        raise Hearsay::Error.for_code(unknown_method?(e) ? Unimplemented::CODE : Internal::CODE, e.message.to_s)
      rescue Thrift::TransportException, Thrift::ProtocolException, SystemCallError, IOError => e
        # The stream may hold half a reply now: drop it, reconnect next call.
        disconnect
        raise transport_error(e)
      end
    end

    # Closes the socket from any thread, without the lock: a call blocked in
    # a long poll fails at once (used to cancel a poll).
    def interrupt
      # Shut down rather than close: the reading thread waits in IO.select,
      # which a close from another thread does not wake, and
      # Thrift::Socket#close would nil the handle that thread still uses.
      handle = @socket&.handle
      (handle.respond_to?(:to_io) ? handle.to_io : handle)&.shutdown(Socket::SHUT_RDWR)
    rescue StandardError
      nil
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
                  TlsSocket.new(host, port, @connect_timeout_s, @tls.ssl_context)
                else
                  Thrift::Socket.new(host, port, @connect_timeout_s)
                end
      transport = Thrift::FramedTransport.new(@socket)
      open_bounded(transport)
      @transport = transport
      @client = ThriftApi::Gateway::Client.new(PROTOCOL.new(transport))
    end

    # Thrift::SSLSocket retries its TLS handshake without a deadline when the
    # peer stays silent; bound it by the connect timeout.
    def open_bounded(transport)
      return transport.open unless @tls

      Timeout.timeout(@connect_timeout_s) { transport.open }
    rescue Timeout::Error
      raise Thrift::TransportException.new(Thrift::TransportException::NOT_OPEN,
                                           "TLS handshake with #{@address} took over #{@connect_timeout_s} s")
    end

    def disconnect
      @transport&.close
    rescue StandardError
      nil # already broken; nothing more to release
    ensure
      @socket = @transport = @client = nil
    end

    # Thrift::SSLSocket waits for the TCP socket to turn readable before each
    # read, but bytes OpenSSL already decrypted (the rest of a record) sit in
    # its buffer, not the socket: the wait then times out with data at hand.
    # Read those first.
    class TlsSocket < Thrift::SSLSocket
      def read(sz)
        return @handle.readpartial(sz) if @handle.respond_to?(:pending) && @handle.pending.to_i.positive?

        super
      end
    end

    # A method this gateway lacks (one older than the SDK's schema). The Node
    # thrift library the gateway uses drops the exception's type field
    # (it writes `this.code`), so its "Unknown function" message counts too.
    def unknown_method?(err)
      err.type == Thrift::ApplicationException::UNKNOWN_METHOD ||
        (err.type == Thrift::ApplicationException::UNKNOWN && err.message.to_s.start_with?("Unknown function "))
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

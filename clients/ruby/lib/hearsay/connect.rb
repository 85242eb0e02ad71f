# frozen_string_literal: true

module Hearsay
  # Transports {Hearsay.connect} accepts.
  TRANSPORTS = %i[grpc thrift].freeze

  class << self
    # Connects to a gateway and checks it answers: the connection is made and
    # the gateway asked for its info (the handshake) before this returns, so an
    # unreachable gateway fails here with {Hearsay::Unavailable} and a gateway
    # speaking another client API major version with {Hearsay::FailedPrecondition}.
    #
    # @example Block form: the client is closed when the block ends
    #   Hearsay.connect(address: "127.0.0.1:5001") { |c| puts c.info.node_name }
    #
    # @param address [String] "host:port" of the gateway's gRPC or Thrift port
    # @param token [String, nil] client token; nil = none (gateway without tokens)
    # @param tls [nil, true, Hash, Hearsay::TLS] see {Hearsay::TLS}; nil = plaintext
    # @param transport [Symbol] :grpc (default) or :thrift
    # @param overlay [String] overlay addressed by calls that name none; "" = default
    # @param connect_timeout_s [Numeric] limit for connecting + the handshake, seconds
    # @param call_timeout_s [Numeric] deadline of each call, seconds
    # @yieldparam client [Hearsay::Client]
    # @return [Hearsay::Client, Object] the client, or the block's value
    # @raise [Hearsay::Error] {Hearsay::Unavailable} when the gateway cannot be reached
    def connect(address:, token: nil, tls: nil, transport: :grpc, overlay: "",
                connect_timeout_s: 5, call_timeout_s: 10)
      unless transport.is_a?(Symbol) || transport.is_a?(String)
        raise ArgumentError, "transport: must be one of #{TRANSPORTS.inspect}, got #{transport.inspect}"
      end
      raise ArgumentError, "overlay: expected a String, got #{overlay.class}" unless overlay.is_a?(String)

      client = open_client(address, token, TLS.from(tls), transport.to_sym, overlay,
                           connect_timeout_s, call_timeout_s)
      return client unless block_given?

      begin
        yield client
      ensure
        client.close
      end
    end

    private

    def open_client(address, token, tls, transport, overlay, connect_timeout_s, call_timeout_s)
      unless TRANSPORTS.include?(transport)
        raise ArgumentError, "transport: must be one of #{TRANSPORTS.inspect}, got #{transport.inspect}"
      end

      check_arguments(address, token, connect_timeout_s, call_timeout_s)

      adapter = if transport == :grpc
                  GrpcTransport.new(address: address, token: token, tls: tls, call_timeout_s: call_timeout_s)
                else
                  ThriftTransport.new(address: address, token: token, tls: tls,
                                      call_timeout_s: call_timeout_s, connect_timeout_s: connect_timeout_s)
                end
      client = Client.new(adapter, address: address, transport: transport, overlay: overlay,
                          call_timeout_s: call_timeout_s)
      handshake(client, connect_timeout_s)
      client
    end

    def check_arguments(address, token, connect_timeout_s, call_timeout_s)
      raise ArgumentError, "address: expected \"host:port\", got #{address.inspect}" unless address.is_a?(String)

      Address.split(address)
      unless token.nil? || token.is_a?(String)
        raise ArgumentError, "token: expected a String or nil, got #{token.class}"
      end

      { connect_timeout_s: connect_timeout_s, call_timeout_s: call_timeout_s }.each do |name, v|
        raise ArgumentError, "#{name}: expected seconds > 0, got #{v.inspect}" unless v.is_a?(Numeric) && v.positive?
      end
    end

    def handshake(client, timeout_s)
      info = client.info(timeout_s: timeout_s)
      return if info.api_version == API_VERSION

      raise FailedPrecondition, "gateway #{client.address} speaks client API v#{info.api_version}, " \
                                "this SDK speaks v#{API_VERSION}"
    rescue Unavailable, DeadlineExceeded => e
      client.close
      # No answer within the connect timeout is unreachable too (a black-holed
      # port, a peer that is not a gateway): Unavailable either way, saying where.
      label = client.transport == :grpc ? "gRPC" : "Thrift"
      raise Unavailable, "cannot reach gateway #{client.address} over #{label} " \
                         "(connect timeout #{timeout_s} s): #{e.message}"
    rescue StandardError
      client.close
      raise
    end
  end
end

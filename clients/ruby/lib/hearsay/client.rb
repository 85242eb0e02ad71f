# frozen_string_literal: true

module Hearsay
  # A connection to one Hearsay gateway over gRPC or Thrift. Made by
  # {Hearsay.connect}; every operation answers the same over both transports
  # and fails with the same {Hearsay::Error} subclass.
  class Client
    # @return [String] the gateway address, "host:port"
    attr_reader :address
    # @return [Symbol] :grpc or :thrift
    attr_reader :transport
    # @return [String] overlay addressed when a call names none ("" = default)
    attr_reader :overlay

    # @api private — use {Hearsay.connect}
    def initialize(adapter, address:, transport:, overlay:)
      @adapter = adapter
      @address = address
      @transport = transport
      @overlay = overlay
      @closed = false
    end

    # Asks the gateway who it is: node name, release, API version, limits and
    # features.
    # @param overlay [String, nil] overlay to ask about; nil = the client's
    # @param timeout_s [Numeric, nil] deadline for this call, seconds; nil = the client's
    # @return [Hearsay::GatewayInfo]
    # @raise [Hearsay::Error] e.g. {Hearsay::Unavailable}, {Hearsay::NotFound} (unknown overlay)
    def info(overlay: nil, timeout_s: nil)
      check_open
      @adapter.info(overlay || @overlay, timeout_s: timeout_s)
    end

    # Closes the connection; later calls raise {Hearsay::FailedPrecondition}.
    # Closing twice is harmless.
    # @return [void]
    def close
      return if @closed

      @closed = true
      @adapter.close
    end

    # @return [Boolean]
    def closed?
      @closed
    end

    # @return [String]
    def inspect
      "#<#{self.class} #{@transport} #{@address}#{@closed ? ' closed' : ''}>"
    end

    private

    def check_open
      raise FailedPrecondition, "client for #{@address} is closed" if @closed
    end
  end
end

# frozen_string_literal: true

module Hearsay
  # Splits "host:port" / "[v6]:port" into host and port (Thrift sockets need
  # them apart; gRPC takes the address as its target as is).
  module Address
    # @param address [String] "host:port" or "[v6]:port"
    # @return [Array(String, Integer)] host (without brackets) and port
    # @raise [ArgumentError] when the address has no valid port
    def self.split(address)
      m = /\A(?:\[(?<host>[^\]]+)\]|(?<host>[^:\[\]]+)):(?<port>\d{1,5})\z/.match(address.to_s)
      raise ArgumentError, "address must be host:port, got #{address.inspect}" unless m

      port = Integer(m[:port], 10)
      raise ArgumentError, "port out of range in #{address.inspect}" unless port.between?(1, 65_535)

      [m[:host], port]
    end
  end
end

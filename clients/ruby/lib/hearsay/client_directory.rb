# frozen_string_literal: true

module Hearsay
  class Client
    # Members of the overlay and the service catalog, as the gateway sees them.
    module Directory
      # Service TTLs the SDK passes on, seconds (the schema's uint32 ms caps
      # the top; the gateway enforces its own range, by default 0.5 s and up).
      TTL_RANGE_S = (0.001..4_294_967).freeze

      # @param statuses [Array<Symbol>] only members in these states (:alive,
      #   :suspect, :dead, :left); empty = all
      # @param tags [Hash{String=>String}] only members carrying all of these
      # @return [Array<Hearsay::Member>] sorted by name
      def members(statuses: [], tags: {})
        check_open
        raise ArgumentError, "statuses: expected an Array of Symbols, got #{statuses.class}" unless statuses.is_a?(Array)

        @adapter.members(@overlay, statuses, check_tags(tags))
      end

      # Registers (or refreshes: same name and id) a service instance on this
      # gateway's node. With a TTL the client keeps it alive, re-registering
      # every ttl/3 while it is open; every instance registered through the
      # client is deregistered when it closes (unless `deregister_on_close: false`).
      #
      # @example
      #   svc = client.register_service("kafka", port: 9092, tags: { "version" => "3" }, ttl_s: 10)
      #   client.services("kafka").map { |s| "#{s.address}:#{s.port}" }
      #
      # @param name [String] service name
      # @param port [Integer] 1-65535
      # @param id [String] instance id; "" = "<node>:<name>:<port>"
      # @param address [String] address clients should use; "" = the node's advertised host
      # @param tags [Hash{String=>String}]
      # @param ttl_s [Numeric, nil] nil = no TTL (lives until deregistered or its node goes)
      # @param deregister_on_close [Boolean]
      # @return [Hearsay::Service] the instance as registered
      def register_service(name, port:, id: "", address: "", tags: {}, ttl_s: nil, deregister_on_close: true)
        check_open
        unless port.is_a?(Integer) && port.between?(1, 65_535)
          raise ArgumentError, "port: expected an Integer from 1 to 65535, got #{port.inspect}"
        end
        unless ttl_s.nil? || (ttl_s.is_a?(Numeric) && TTL_RANGE_S.cover?(ttl_s))
          raise ArgumentError, "ttl_s: expected nil or seconds from #{TTL_RANGE_S.min} to #{TTL_RANGE_S.max}, " \
                               "got #{ttl_s.inspect}"
        end

        ttl_ms = ttl_s ? (ttl_s * 1000).round : 0
        req = { name: service_name(name), id: string(id, "id", empty: true),
                address: string(address, "address", empty: true), port: port, tags: check_tags(tags), ttl_ms: ttl_ms }
        service = @adapter.register_service(@overlay, **req)
        @keeper.keep(service, req, ttl_ms, deregister_on_close)
        service
      end

      # Removes a service instance registered on this gateway's node. Stops the
      # client refreshing it first, after the refresh in flight if any, so no
      # refresh lands after the removal.
      # @param name [String]
      # @param id [String] as registered (see {Service#id})
      # @return [Boolean] false when no such instance was registered
      def deregister_service(name, id)
        check_open
        name = service_name(name)
        string(id, "id")
        @keeper.forget(name, id) # waits for a refresh in flight
        @adapter.deregister_service(@overlay, name, id)
      end

      # @param name [String, nil] only this service; nil = all
      # @param passing_only [Boolean] only instances passing their health check
      # @param tags [Hash{String=>String}] only instances carrying all of these
      # @return [Array<Hearsay::Service>] sorted by name, then id
      def services(name = nil, passing_only: false, tags: {})
        check_open
        @adapter.services(@overlay, service_name(name, allow_nil: true), passing_only ? true : false, check_tags(tags))
      end

      private

      def service_name(name, allow_nil: false)
        return "" if name.nil? && allow_nil

        string(name, "name")
      end

      def check_tags(tags)
        raise ArgumentError, "tags: expected a Hash of String => String, got #{tags.class}" unless tags.is_a?(Hash)

        tags.each_with_object({}) do |(k, v), out|
          k = k.to_s if k.is_a?(Symbol)
          raise ArgumentError, "tags: keys and values must be Strings, got #{k.inspect} => #{v.inspect}" unless
            k.is_a?(String) && v.is_a?(String)

          out[k] = v
        end
      end
    end
  end
end

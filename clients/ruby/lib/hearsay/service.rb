# frozen_string_literal: true

module Hearsay
  # Service health by its number in types.proto / hearsay.thrift.
  SERVICE_HEALTH = { 1 => :passing, 2 => :critical }.freeze
  # Service event kinds by their number.
  SERVICE_EVENT_KINDS = {
    1 => :current, 2 => :registered, 3 => :updated, 4 => :deregistered, 5 => :expired, 6 => :snapshot_end
  }.freeze

  # One registered instance of a service.
  #
  # @!attribute [r] name
  #   @return [String] service name, e.g. "kafka"
  # @!attribute [r] id
  #   @return [String] instance id, unique within `name`
  # @!attribute [r] node
  #   @return [String] node whose gateway holds the registration
  # @!attribute [r] address
  #   @return [String] host or IP clients should connect to
  # @!attribute [r] port
  #   @return [Integer]
  # @!attribute [r] tags
  #   @return [Hash{String=>String}]
  # @!attribute [r] health
  #   @return [Symbol] :passing, or :critical after a missed TTL refresh
  # @!attribute [r] ttl_ms
  #   @return [Integer] refresh period the registrant promised; 0 = none
  # @!attribute [r] registered_at_ms
  #   @return [Integer] when first registered, Unix ms
  Service = Struct.new(:name, :id, :node, :address, :port, :tags, :health, :ttl_ms, :registered_at_ms,
                       keyword_init: true) do
    # @return [Boolean]
    def passing?
      health == :passing
    end
  end

  # What happened to a service instance.
  #
  # @!attribute [r] kind
  #   @return [Symbol] :current, :snapshot_end (once after the :current
  #     events, also when there were none; first without include_current),
  #     :registered, :updated, :deregistered, :expired
  # @!attribute [r] instance
  #   @return [Hearsay::Service, nil] the instance the event is about; nil for :snapshot_end
  # @!attribute [r] instances
  #   @return [Array<Hearsay::Service>] every passing instance of that name after the event
  # @!attribute [r] time_ms
  #   @return [Integer] when the gateway observed it, Unix ms
  ServiceEvent = Struct.new(:kind, :instance, :instances, :time_ms, keyword_init: true)
end

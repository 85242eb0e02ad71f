# frozen_string_literal: true

module Hearsay
  # Schema forms by their number in types.proto / hearsay.thrift.
  SCHEMA_FORMATS = { 1 => :proto_source, 2 => :proto_descriptor_set, 3 => :thrift_idl }.freeze

  # A registered digest type as the overlay's registry holds it.
  #
  # @!attribute [r] name
  #   @return [String] fully qualified message or struct name
  # @!attribute [r] version
  #   @return [Integer] registry version, from 1; grows per compatible change
  # @!attribute [r] format
  #   @return [Symbol] :proto_source, :proto_descriptor_set or :thrift_idl
  # @!attribute [r] skip_payload_validation
  #   @return [Boolean]
  # @!attribute [r] description
  #   @return [String]
  # @!attribute [r] registered_by
  #   @return [String] node that accepted this version
  # @!attribute [r] registered_at_ms
  #   @return [Integer] Unix ms
  # @!attribute [r] fingerprint
  #   @return [String] hex SHA-256 of the canonical schema; equal = identical
  # @!attribute [r] created
  #   @return [Boolean, nil] from {Client#register_type}: false when an
  #     identical definition was already registered; nil elsewhere
  DigestType = Struct.new(:name, :version, :format, :skip_payload_validation, :description,
                          :registered_by, :registered_at_ms, :fingerprint, :created, keyword_init: true)
end

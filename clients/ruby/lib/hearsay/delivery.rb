# frozen_string_literal: true

module Hearsay
  # Where a published digest landed.
  #
  # @!attribute [r] id
  #   @return [String] "origin:epoch:sequence", unique in the overlay
  # @!attribute [r] origin
  #   @return [String] node name of the gateway that accepted it
  # @!attribute [r] sequence
  #   @return [Integer] gapless per origin, from 1
  # @!attribute [r] publish_time_ms
  #   @return [Integer] when the origin accepted it, Unix ms
  # @!attribute [r] epoch
  #   @return [Integer] the origin's log epoch
  # @!attribute [r] stream_sequence
  #   @return [Integer] position in its stream (origin, epoch, type): what a cursor position names
  PublishResult = Struct.new(:id, :origin, :sequence, :publish_time_ms, :epoch, :stream_sequence,
                             keyword_init: true) do
    # @return [String] the digest id
    def to_s
      id
    end
  end

  # A digest as a subscriber receives it (`kind == :digest`).
  #
  # @!attribute [r] type
  #   @return [String] digest type name
  # @!attribute [r] id
  #   @return [String] "origin:epoch:sequence", unique in the overlay
  # @!attribute [r] origin
  #   @return [String] node whose gateway accepted the publish
  # @!attribute [r] sequence
  #   @return [Integer] gapless per origin and epoch (across all types), from 1
  # @!attribute [r] epoch
  #   @return [Integer] the origin's log epoch (a gateway restarted without its
  #     data dir starts a new, higher one)
  # @!attribute [r] stream_sequence
  #   @return [Integer] gapless per stream = (origin, epoch, type), from 1: what
  #     cursors and gap ranges speak in
  # @!attribute [r] publish_time_ms
  #   @return [Integer] when the origin accepted it, Unix ms
  # @!attribute [r] headers
  #   @return [Hash{String=>String}] application headers as published
  # @!attribute [r] payload
  #   @return [String] the raw payload bytes (ASCII-8BIT)
  # @!attribute [r] message
  #   @return [Object, nil] the payload decoded by the class subscribed with;
  #     nil for types subscribed by name or when decoding failed
  # @!attribute [r] decode_error
  #   @return [StandardError, nil] why the payload could not be decoded
  # @!attribute [r] json
  #   @return [String, nil] the payload as JSON, when subscribed with include_json: true
  # @!attribute [r] cursor
  #   @return [Hearsay::Cursor] the subscription's cursor after this digest:
  #     resume from it to continue right after
  DigestDelivery = Struct.new(:type, :id, :origin, :sequence, :publish_time_ms, :headers, :payload,
                              :message, :decode_error, :json, :cursor, :epoch, :stream_sequence,
                              keyword_init: true) do
    # @return [Symbol] :digest
    def kind
      :digest
    end

    # @return [Boolean]
    def digest?
      true
    end

    # @return [Boolean]
    def gap?
      false
    end

    # @return [Boolean]
    def caught_up?
      false
    end

    # @return [Time] {#publish_time_ms} as a Time
    def publish_time
      Time.at(publish_time_ms / 1000, publish_time_ms % 1000, :millisecond)
    end
  end

  # A run of one origin's digests of one type, in one of its epochs, that the
  # subscriber lost.
  #
  # @!attribute [r] origin
  #   @return [String]
  # @!attribute [r] type
  #   @return [String]
  # @!attribute [r] from_sequence
  #   @return [Integer] first lost stream sequence, inclusive
  # @!attribute [r] to_sequence
  #   @return [Integer] last lost stream sequence, inclusive; 0 = through the
  #     end of the epoch, whose length no reachable gateway knows
  # @!attribute [r] epoch
  #   @return [Integer] the origin's epoch of the lost digests
  GapRange = Struct.new(:origin, :type, :from_sequence, :to_sequence, :epoch, keyword_init: true)

  # An explicit notice that digests were lost (`kind == :gap`): loss is never
  # silent. The subscription continues after it.
  #
  # @!attribute [r] reason
  #   @return [Symbol] :slow_consumer, :retention_expired, :unrecoverable or :unspecified
  # @!attribute [r] ranges
  #   @return [Array<Hearsay::GapRange>]
  # @!attribute [r] message
  #   @return [String] the gateway's explanation
  # @!attribute [r] resume_from
  #   @return [Hearsay::Cursor] a cursor that skips past the gap
  # @!attribute [r] cursor
  #   @return [Hearsay::Cursor] the subscription's cursor after this notice (the gap skipped)
  GapDelivery = Struct.new(:reason, :ranges, :message, :resume_from, :cursor, keyword_init: true) do
    # @return [Symbol] :gap
    def kind
      :gap
    end

    # @return [Boolean]
    def digest?
      false
    end

    # @return [Boolean]
    def gap?
      true
    end

    # @return [Boolean]
    def caught_up?
      false
    end
  end

  # The backlog the subscription started with (the retained history its start
  # or resume cursor asked for, fetched from peers if need be) has been
  # delivered: what follows is live (`kind == :caught_up`). Delivered once per
  # subscription, in order with the digests, when subscribed with
  # `include_caught_up: true`; later markers (after reconnects) are not.
  # {Subscription#caught_up?} reports it either way.
  #
  # @!attribute [r] server_time_ms
  #   @return [Integer] the gateway's clock when it sent the marker, Unix ms
  # @!attribute [r] backlog_digests
  #   @return [Integer] digests the gateway delivered before the marker on the
  #     stream that sent it (the backlog)
  # @!attribute [r] cursor
  #   @return [Hearsay::Cursor] the subscription's cursor at the marker (the end of the backlog)
  CaughtUpDelivery = Struct.new(:server_time_ms, :backlog_digests, :cursor, keyword_init: true) do
    # @return [Symbol] :caught_up
    def kind
      :caught_up
    end

    # @return [Boolean]
    def digest?
      false
    end

    # @return [Boolean]
    def gap?
      false
    end

    # @return [Boolean]
    def caught_up?
      true
    end
  end

  # Gap reasons by their number in types.proto / hearsay.thrift.
  GAP_REASONS = { 1 => :slow_consumer, 2 => :retention_expired, 3 => :unrecoverable }.freeze
end

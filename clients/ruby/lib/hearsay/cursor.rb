# frozen_string_literal: true

require "json"

module Hearsay
  # For one origin and digest type: the sequence of the last digest received
  # (0 = none yet).
  #
  # @!attribute [r] origin
  #   @return [String] origin node name
  # @!attribute [r] type
  #   @return [String] digest type name
  # @!attribute [r] sequence
  #   @return [Integer] sequence of the last digest of `type` from `origin`
  CursorPosition = Struct.new(:origin, :type, :sequence, keyword_init: true)

  # Where a subscriber is: at most one position per (origin, type). Resuming
  # with it (`subscribe(..., resume_from: cursor)`) delivers, per origin and
  # type, everything after that sequence that retention still holds. Immutable;
  # store it with {#to_json} and read it back with {Cursor.from_json} (the same
  # JSON every Hearsay SDK and the CLI use).
  class Cursor
    include Enumerable

    # @return [Array<Hearsay::CursorPosition>]
    attr_reader :positions

    # @param positions [Array<Hearsay::CursorPosition, Hash>]
    # @raise [ArgumentError] naming the bad position
    def initialize(positions = [])
      raise ArgumentError, "positions: expected an Array, got #{positions.class}" unless positions.is_a?(Array)

      @positions = positions.each_with_index.map { |p, i| Cursor.position(p, "positions[#{i}]") }.freeze
      freeze
    end

    # Sequences are uint64.
    MAX_SEQUENCE = (2**64) - 1
    # The empty cursor.
    EMPTY = new([])

    # Any form a `resume_from:` argument may take, as a Cursor.
    # @param value [Hearsay::Cursor, String, Array, nil] a cursor, its JSON, or positions
    # @return [Hearsay::Cursor, nil]
    def self.from(value)
      case value
      when nil, Cursor then value
      when String then from_json(value)
      when Array then new(value)
      else raise ArgumentError, "resume_from: expected a Hearsay::Cursor, its JSON or positions, got #{value.class}"
      end
    end

    # Parses {#to_json} output (or any proto3 JSON of hearsay.v1.Cursor).
    # @param json [String]
    # @return [Hearsay::Cursor]
    # @raise [ArgumentError] when it is not a cursor
    def self.from_json(json)
      o = JSON.parse(json)
      raise ArgumentError, "cursor: expected {\"positions\": [...]}" unless o.is_a?(Hash) && o["positions"].is_a?(Array)

      new(o["positions"])
    rescue JSON::ParserError => e
      raise ArgumentError, "cursor: not JSON: #{e.message}"
    end

    # @api private
    def self.position(p, label)
      return p if p.is_a?(CursorPosition) && p.frozen?

      h = p.respond_to?(:to_h) ? p.to_h.transform_keys(&:to_s) : nil
      raise ArgumentError, "cursor #{label}: expected {origin, type, sequence}, got #{p.class}" unless h

      origin, type = h["origin"], h["type"]
      unless origin.is_a?(String) && type.is_a?(String)
        raise ArgumentError, "cursor #{label}: origin and type are required strings"
      end

      seq = h.fetch("sequence", 0)
      seq = Integer(seq, 10) if seq.is_a?(String) && seq.match?(/\A\d{1,20}\z/)
      unless seq.is_a?(Integer) && seq.between?(0, MAX_SEQUENCE)
        raise ArgumentError, "cursor #{label}.sequence: expected an unsigned 64-bit integer, got #{seq.inspect}"
      end

      CursorPosition.new(origin: origin.dup.freeze, type: type.dup.freeze, sequence: seq).freeze
    end

    # @yieldparam position [Hearsay::CursorPosition]
    def each(&block)
      @positions.each(&block)
    end

    # @return [Integer, nil] the sequence reached for (origin, type), nil when none
    def sequence(origin, type)
      @positions.find { |p| p.origin == origin && p.type == type }&.sequence
    end

    # @return [Boolean]
    def empty?
      @positions.empty?
    end

    # The cursor as proto3 JSON (sequences as strings, so 64-bit values survive).
    # @return [String]
    def to_json(*_args)
      JSON.generate({ "positions" => @positions.map do |p|
        { "origin" => p.origin, "type" => p.type, "sequence" => p.sequence.to_s }
      end })
    end

    # @return [Boolean] equal positions, in any order
    def ==(other)
      other.is_a?(Cursor) && @positions.sort_by { |p| [p.origin, p.type] } ==
                             other.positions.sort_by { |p| [p.origin, p.type] }
    end
    alias eql? ==

    def hash
      @positions.map(&:to_a).sort.hash
    end

    # @return [String]
    def inspect
      "#<Hearsay::Cursor #{@positions.map { |p| "#{p.origin}/#{p.type}@#{p.sequence}" }.join(' ')}>"
    end
  end

  # The positions a subscription has reached, per (origin, type); moves only
  # forward. Used by one thread (the subscription's reader).
  # @api private
  class CursorState
    def initialize(from = nil)
      @positions = {}
      merge(from) if from
    end

    # @return [Integer, nil] the sequence reached for (origin, type); nil = never received
    def at(origin, type)
      @positions[[origin, type]]&.sequence
    end

    # Moves (origin, type) forward to `sequence`; never backwards.
    def advance(origin, type, sequence)
      cur = @positions[[origin, type]]
      return if cur && cur.sequence >= sequence

      @positions[[origin, type]] = CursorPosition.new(origin: origin, type: type, sequence: sequence).freeze
      @snapshot = nil
    end

    # @param cursor [Hearsay::Cursor]
    def merge(cursor)
      cursor.each { |p| advance(p.origin, p.type, p.sequence) }
    end

    # @return [Boolean] whether no position is held
    def empty?
      @positions.empty?
    end

    # @return [Hearsay::Cursor] immutable; shared until the next advance
    def snapshot
      @snapshot ||= Cursor.new(@positions.values)
    end
  end
end

# frozen_string_literal: true

require "json"

module Hearsay
  # For one origin and digest type: the origin's log epoch and the stream
  # sequence ({DigestDelivery#stream_sequence}) of the last digest received in
  # it (0 = none yet).
  #
  # Positions order by (epoch, sequence), epochs first: any digest of a higher
  # epoch is newer than everything of a lower one (a gateway restarted without
  # its data dir starts a new, higher epoch, counting stream sequences from 1
  # again). Epoch 0 means the origin's oldest epoch any gateway still knows,
  # and is below every epoch.
  #
  # @!attribute [r] origin
  #   @return [String] origin node name
  # @!attribute [r] type
  #   @return [String] digest type name
  # @!attribute [r] sequence
  #   @return [Integer] stream sequence of the last digest of `type` from `origin` in `epoch`
  # @!attribute [r] epoch
  #   @return [Integer] the origin's epoch the sequence belongs to (0 = its oldest still known)
  CursorPosition = Struct.new(:origin, :type, :sequence, :epoch, keyword_init: true) do
    # Whether a digest at (epoch, stream_sequence) of this origin and type is
    # at or before this position (already received).
    # @return [Boolean]
    def covers?(epoch, stream_sequence)
      mine = self.epoch.to_i
      epoch < mine || (epoch == mine && stream_sequence <= sequence.to_i)
    end
  end

  # Where a subscriber is: at most one position per (origin, type). Resuming
  # with it (`subscribe(..., resume_from: cursor)`) delivers, per origin and
  # type, everything after that (epoch, stream sequence) that retention still
  # holds: the rest of the position's epoch, then the origin's later epochs
  # from their start. Immutable;
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

    # Sequences and epochs are uint64.
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
      return p if p.is_a?(CursorPosition) && p.frozen? && p.epoch.is_a?(Integer)

      h = p.respond_to?(:to_h) ? p.to_h.transform_keys(&:to_s) : nil
      raise ArgumentError, "cursor #{label}: expected {origin, type, sequence}, got #{p.class}" unless h

      origin, type = h["origin"], h["type"]
      unless origin.is_a?(String) && type.is_a?(String)
        raise ArgumentError, "cursor #{label}: origin and type are required strings"
      end

      seq = uint64(h.fetch("sequence", 0), "#{label}.sequence")
      epoch = uint64(h.fetch("epoch", 0) || 0, "#{label}.epoch")
      CursorPosition.new(origin: origin.dup.freeze, type: type.dup.freeze, sequence: seq, epoch: epoch).freeze
    end

    # @api private
    def self.uint64(n, label)
      n = Integer(n, 10) if n.is_a?(String) && n.match?(/\A\d{1,20}\z/)
      unless n.is_a?(Integer) && n.between?(0, MAX_SEQUENCE)
        raise ArgumentError, "cursor #{label}: expected an unsigned 64-bit integer, got #{n.inspect}"
      end

      n
    end

    # @yieldparam position [Hearsay::CursorPosition]
    def each(&block)
      @positions.each(&block)
    end

    # @return [Hearsay::CursorPosition, nil] the position of (origin, type), nil when none
    def position(origin, type)
      @positions.find { |p| p.origin == origin && p.type == type }
    end

    # @return [Integer, nil] the stream sequence reached for (origin, type), nil when none
    def sequence(origin, type)
      position(origin, type)&.sequence
    end

    # @return [Integer, nil] the epoch of (origin, type)'s position, nil when none
    def epoch(origin, type)
      position(origin, type)&.epoch
    end

    # @return [Boolean]
    def empty?
      @positions.empty?
    end

    # The cursor as proto3 JSON (sequences and epochs as strings, so 64-bit values survive).
    # @return [String]
    def to_json(*_args)
      JSON.generate({ "positions" => @positions.map do |p|
        { "origin" => p.origin, "type" => p.type, "sequence" => p.sequence.to_s, "epoch" => p.epoch.to_s }
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
      "#<Hearsay::Cursor #{@positions.map { |p| "#{p.origin}/#{p.type}@#{p.epoch}:#{p.sequence}" }.join(' ')}>"
    end
  end

  # The positions a subscription has reached, per (origin, type) an (epoch,
  # stream sequence), epochs first; moves only forward. Used by one thread (the
  # subscription's reader).
  # @api private
  class CursorState
    def initialize(from = nil)
      @positions = {}
      merge(from) if from
    end

    # @return [Hearsay::CursorPosition, nil] the position reached for (origin, type); nil = never received
    def at(origin, type)
      @positions[[origin, type]]
    end

    # @return [Boolean] whether (epoch, sequence) of (origin, type) is at or before its position
    def covers?(origin, type, epoch, sequence)
      cur = @positions[[origin, type]]
      cur ? cur.covers?(epoch, sequence) : false
    end

    # Moves (origin, type) forward to (epoch, sequence), epochs first; never backwards.
    # @return [Boolean] whether it moved
    def advance(origin, type, epoch, sequence)
      return false if covers?(origin, type, epoch, sequence)

      @positions[[origin, type]] = CursorPosition.new(origin: origin, type: type, sequence: sequence,
                                                      epoch: epoch).freeze
      @snapshot = nil
      true
    end

    # @param cursor [Hearsay::Cursor]
    def merge(cursor)
      cursor.each { |p| advance(p.origin, p.type, p.epoch.to_i, p.sequence) }
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

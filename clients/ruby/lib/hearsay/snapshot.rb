# frozen_string_literal: true

module Hearsay
  # The current set a watch's first events describe, complete at the
  # gateway's `:snapshot_end` ({Watch#wait_snapshot}). Keyed (member name;
  # service name and id), so `:current` events sent again after a reconnect
  # in the middle of the snapshot replace the ones before instead of doubling.
  # @api private
  class SnapshotFold
    # How member events add to a snapshot.
    MEMBERS = {
      item: ->(e) { e.member && [e.member.name, e.member] },
      removes: ->(e) { e.kind == :reap }
    }.freeze
    # How service events add to a snapshot.
    SERVICES = {
      item: ->(e) { e.instance && [[e.instance.name, e.instance.id], e.instance] },
      removes: ->(e) { %i[deregistered expired].include?(e.kind) }
    }.freeze

    # @return [Array, nil] the current set once the end came; nil before
    attr_reader :result

    # @param rules [Hash] {MEMBERS} or {SERVICES}
    def initialize(rules)
      @rules = rules
      @set = {}
      @result = nil
    end

    # Adds an event the consumer is handed; ignored after the end.
    def add(event)
      return if @result
      return @result = @set.values.freeze if event.kind == :snapshot_end

      key, item = @rules[:item].call(event)
      return if key.nil?

      @rules[:removes].call(event) ? @set.delete(key) : @set[key] = item
    end
  end
end

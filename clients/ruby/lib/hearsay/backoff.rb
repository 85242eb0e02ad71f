# frozen_string_literal: true

module Hearsay
  # Reconnect timing of subscriptions and watches.
  #
  # @!attribute [r] initial_delay_s
  #   @return [Numeric] first delay after a failure, seconds (default 0.1)
  # @!attribute [r] max_delay_s
  #   @return [Numeric] delays double up to this, seconds (default 5)
  # @!attribute [r] max_attempts
  #   @return [Integer, nil] failures in a row before giving up (raising the
  #     last error); nil = keep trying until closed (default)
  Backoff = Struct.new(:initial_delay_s, :max_delay_s, :max_attempts, keyword_init: true) do
    # @param option [nil, true, false, Hash, Hearsay::Backoff] the `reconnect:` argument
    # @return [Hearsay::Backoff, nil] nil = do not reconnect
    def self.from(option)
      case option
      when nil, true then new
      when false then nil
      when Backoff then option
      when Hash then new(**option)
      else raise ArgumentError, "reconnect: expects true, false, a Hash or Hearsay::Backoff, got #{option.class}"
      end
    rescue ArgumentError => e
      raise ArgumentError, "reconnect: #{e.message}" unless e.message.start_with?("reconnect:")

      raise
    end

    def initialize(initial_delay_s: 0.1, max_delay_s: 5.0, max_attempts: nil)
      unless initial_delay_s.is_a?(Numeric) && initial_delay_s.positive?
        raise ArgumentError, "reconnect: initial_delay_s must be a positive number"
      end
      unless max_delay_s.is_a?(Numeric) && max_delay_s >= initial_delay_s
        raise ArgumentError, "reconnect: max_delay_s must be a number >= initial_delay_s"
      end
      unless max_attempts.nil? || (max_attempts.is_a?(Integer) && max_attempts.positive?)
        raise ArgumentError, "reconnect: max_attempts must be nil or a positive Integer"
      end

      super
      freeze
    end

    # Delay before reconnect attempt `attempt` (0-based):
    # d = min(max_delay_s, initial_delay_s x 2^attempt), drawn uniformly from
    # [d/2, d] so clients cut off together do not come back together.
    # @return [Float] seconds
    def delay_s(attempt, rand = Random)
      d = [max_delay_s, initial_delay_s * (2**[attempt, 30].min)].min
      (d / 2.0) + (rand.rand * d / 2.0)
    end
  end
end

# frozen_string_literal: true

module Hearsay
  # Seconds on the monotonic clock: deadlines and lingers must not jump with the wall clock.
  module Clock
    module_function

    def monotonic
      Process.clock_gettime(Process::CLOCK_MONOTONIC)
    end
  end
end

# frozen_string_literal: true

# Loaded by every test: minitest, the SDK from lib/ (run with -Ilib -Itest),
# where the repository's schemas are, and the helpers that keep every wait
# bounded.
require "minitest/autorun"
require "timeout"
require "hearsay"

module TestPaths
  # Repository root (clients/ruby/test -> ../../..).
  REPO_ROOT = File.expand_path("../../..", __dir__)
end

# A backstop: no test runs longer than this, whatever it waits for (every wait
# in the tests has its own, shorter, bound).
module TestTimeout
  LIMIT_S = 120

  def run
    Timeout.timeout(LIMIT_S, Minitest::Assertion, "test exceeded #{LIMIT_S} s") { super }
  end
end
Minitest::Test.prepend(TestTimeout)

# Polls the block every `interval_s` until it is truthy; fails after `timeout_s`.
# @return the block's truthy value
def wait_until(timeout_s, what, interval_s: 0.1)
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout_s
  loop do
    value = yield
    return value if value
    raise Minitest::Assertion, "timed out after #{timeout_s} s waiting for #{what}" if
      Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

    sleep interval_s
  end
end

# Takes up to `n` deliveries (or events) from a subscription (or watch)
# within `timeout_s`; with a block, only those it accepts count (others are
# dropped).
def take(stream, n, timeout_s: 10, digests_only: false, &filter)
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout_s
  out = []
  while out.size < n
    left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
    break if left <= 0

    x = stream.receive(timeout_s: left)
    break if x.nil? && stream.closed?
    next if x.nil? || (digests_only && x.respond_to?(:gap?) && x.gap?)
    next if filter && !filter.call(x)

    out << x
  end
  out
end

# frozen_string_literal: true

module Hearsay
  # A server stream (gRPC) or long-poll loop (Thrift) that survives
  # reconnects. A reader thread opens the call, turns each item into outputs
  # with `handle` and queues them in a bounded {Mailbox} (blocking when full,
  # which is backpressure to the gateway). On a retryable failure it reopens
  # after a jittered, doubling delay; a refusal (or a failure with reconnect
  # off) ends the stream, and the consumer gets the error after the queued
  # outputs. With an idle timeout, a call silent for that long (no item, not
  # even a keep-alive, while the reader waits on the network) is reopened.
  # @api private
  class ResilientStream
    # Watchdog wake-up period bounds, seconds.
    WATCHDOG_MIN_S = 0.2
    WATCHDOG_MAX_S = 1.0
    # How long close waits for the reader thread to finish, seconds.
    JOIN_TIMEOUT_S = 5

    # @param name [String] thread name, for debugging
    # @param open [Proc] () -> call with #each and #cancel; runs on each (re)connect
    # @param handle [Proc] (item) -> Array of outputs; may raise {Hearsay::Error} to end the stream
    # @param reconnect [Hearsay::Backoff, nil] nil = end on the first failure
    # @param idle_timeout_s [Numeric] reopen a call silent this long; 0 = never
    # @param max_queued [Integer] outputs held before the reader waits
    # @param on_retry [Proc, nil] (error, attempt, delay_s), before each reconnect
    # @param on_end [Proc, nil] (error or nil), once, when the stream is over
    def initialize(name:, open:, handle:, reconnect:, idle_timeout_s:, max_queued:, on_retry: nil, on_end: nil)
      @open = open
      @handle = handle
      @reconnect = reconnect
      @idle_timeout_s = idle_timeout_s
      @on_retry = on_retry
      @on_end = on_end
      @mailbox = Mailbox.new(max_queued)
      @mutex = Mutex.new
      @wake = ConditionVariable.new
      @closed = false
      @call = nil
      @waiting_since = nil
      @idle_fired = false
      @thread = Thread.new { run }
      @thread.name = name
      @thread.report_on_exception = false
      @watchdog = idle_timeout_s.positive? ? Thread.new { watch } : nil
    end

    # @return [Array] see {Mailbox#pop}
    def pop(timeout_s = nil)
      @mailbox.pop(timeout_s)
    end

    # Ends the stream: the call is cancelled, queued outputs are dropped and
    # the consumer sees the end without error.
    def close
      call = @mutex.synchronize do
        return if @closed

        @closed = true
        @wake.broadcast
        @call
      end
      @mailbox.close
      call&.cancel
      return if Thread.current == @thread

      @thread.join(JOIN_TIMEOUT_S)
      @watchdog&.join(JOIN_TIMEOUT_S)
    end

    # @return [Boolean]
    def closed?
      @closed
    end

    private

    def run
      attempt = 0
      until @closed
        err, healthy, fatal = run_once
        break if @closed

        attempt = 0 if healthy
        err ||= Unavailable.new("the gateway ended the stream")
        if fatal || !@reconnect || !err.retryable? || (@reconnect.max_attempts && attempt >= @reconnect.max_attempts)
          return finish(err)
        end

        delay = @reconnect.delay_s(attempt)
        attempt += 1
        @on_retry&.call(err, attempt, delay)
        pause(delay)
      end
      finish(nil)
    rescue StandardError => e
      # A bug here must not leave the consumer waiting forever.
      finish(e.is_a?(Error) ? e : Internal.new("hearsay stream failed: #{e.class}: #{e.message}"))
    end

    # One call, until it fails or ends. @return [Array(Error|nil, Boolean, Boolean)] error, healthy, fatal
    def run_once
      healthy = false
      call = @open.call
      return [nil, false, false] unless track(call)

      begin
        call.each do |item|
          healthy = true
          @waiting_since = nil
          outputs = @handle.call(item)
          outputs.each { |o| break unless @mailbox.push(o) }
          break if @closed

          @waiting_since = Clock.monotonic
        end
        [nil, healthy, false]
      rescue Error => e
        [idle_error || e, healthy, false]
      ensure
        @mutex.synchronize { @call = nil }
        @waiting_since = nil
        call.cancel
      end
    rescue Error => e
      # Opening failed (e.g. the client was closed) or `handle` refused an item.
      [e, healthy, !e.retryable?]
    end

    # Makes `call` the one close and the watchdog cancel. @return [Boolean] false when already closed
    def track(call)
      @mutex.synchronize do
        if @closed
          call.cancel
          return false
        end
        @call = call
        @idle_fired = false
        @waiting_since = Clock.monotonic
        true
      end
    end

    def idle_error
      return nil unless @idle_fired

      Unavailable.new("no message from the gateway for #{@idle_timeout_s} s (keep-alives stopped)")
    end

    def watch
      period = (@idle_timeout_s / 4.0).clamp(WATCHDOG_MIN_S, WATCHDOG_MAX_S)
      @mutex.synchronize do
        until @closed
          @wake.wait(@mutex, period)
          since = @waiting_since
          next unless @call && since && Clock.monotonic - since > @idle_timeout_s

          @idle_fired = true
          @call.cancel
        end
      end
    end

    def pause(seconds)
      deadline = Clock.monotonic + seconds
      @mutex.synchronize do
        until @closed
          left = deadline - Clock.monotonic
          break if left <= 0

          @wake.wait(@mutex, left)
        end
      end
    end

    def finish(err)
      @mailbox.finish(err)
      @on_end&.call(err)
    end
  end
end

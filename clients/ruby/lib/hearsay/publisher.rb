# frozen_string_literal: true

module Hearsay
  # A batching publisher for high rates, made by {Client#publisher}: like
  # Kafka's producer, a batch goes out when it holds `max_batch` digests or
  # `linger_ms` after its first digest, whichever comes first. One background
  # thread sends batches one at a time (PublishStream on gRPC, publishBatch on
  # Thrift), so digests stay in publish order. Nothing is retried
  # automatically: a failed digest's {Pending} says why and whether it was
  # published anyway.
  #
  # @example
  #   client.publisher(max_batch: 512) do |pub|
  #     readings.each { |r| pub << r }
  #   end # flushed and closed here; raises the first failure, if any
  class Publisher
    # A digest handed to the publisher; settles once its batch is answered.
    class Pending
      # @return [Boolean, nil] after a failure: true = it was published anyway
      #   (it came before the refused digest of its batch), false = it was not,
      #   nil = unknown (the connection failed)
      attr_reader :published

      def initialize
        @mutex = Mutex.new
        @cv = ConditionVariable.new
        @result = nil
        @error = nil
      end

      # @param timeout_s [Numeric, nil] nil = until settled
      # @return [Hearsay::PublishResult]
      # @raise [Hearsay::Error] why it failed; DeadlineExceeded when not settled in time
      def result(timeout_s: nil)
        deadline = timeout_s && (Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout_s)
        @mutex.synchronize do
          until @result || @error
            left = deadline && (deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC))
            raise DeadlineExceeded, "publish not answered within #{timeout_s} s" if left && left <= 0

            @cv.wait(@mutex, left)
          end
          raise @error if @error

          @result
        end
      end

      # @return [Hearsay::Error, nil]
      def error
        @mutex.synchronize { @error }
      end

      # @return [Boolean]
      def done?
        @mutex.synchronize { !(@result || @error).nil? }
      end

      # @api private
      def settle(result: nil, error: nil, published: nil)
        @mutex.synchronize do
          @result = result
          @error = error
          @published = published
          @cv.broadcast
        end
      end
    end

    # @return [Integer] digests published so far
    attr_reader :published_count
    # @return [Integer] digests that failed so far
    attr_reader :failed_count

    # @api private — use {Client#publisher}
    # @param encode [Proc] (message, type, headers) -> Wire::OutDigest; raises ArgumentError
    def initialize(transport, overlay, encode:, max_batch:, linger_ms:, max_pending:, timeout_s:, on_close: nil)
      @transport = transport
      @overlay = overlay
      @encode = encode
      @max_batch = positive(max_batch, "max_batch")
      @linger_s = non_negative(linger_ms, "linger_ms") / 1000.0
      @max_pending = positive(max_pending, "max_pending")
      @timeout_s = timeout_s
      @on_close = on_close
      @mutex = Mutex.new
      @cv = ConditionVariable.new
      @buffer = []       # [seq, digest, pending, queued_at], not yet sent
      @pending = 0       # buffered + in flight
      @seq = 0           # digests accepted so far
      @settled = 0       # digests settled so far (in order)
      @flush_to = 0      # send without lingering up to this seq
      @closing = false
      @first_error = nil
      @published_count = 0
      @failed_count = 0
      @thread = Thread.new { run }
      @thread.name = "hearsay-publisher"
      @thread.report_on_exception = false
    end

    # Queues one digest. Blocks while `max_pending` digests are unanswered,
    # up to the publisher's timeout.
    # @param message [Object, String, Hash] as for {Client#publish}
    # @return [Hearsay::Publisher::Pending]
    # @raise [ArgumentError] bad arguments, at once
    # @raise [Hearsay::ResourceExhausted] still full after the timeout
    # @raise [Hearsay::FailedPrecondition] closed
    def publish(message, type: nil, headers: nil)
      digest = @encode.call(message, type, headers)
      pending = Pending.new
      @mutex.synchronize do
        raise FailedPrecondition, "publisher is closed" if @closing

        wait_for_room
        @buffer << [@seq += 1, digest, pending, Clock.monotonic]
        @pending += 1
        @cv.broadcast
      end
      pending
    end

    # Queues one digest (see {#publish}). @return [self]
    def <<(message)
      publish(message)
      self
    end

    # Sends what is queued without lingering and waits until all of it is
    # answered, as long as batches keep being answered.
    # @param timeout_s [Numeric, nil] longest wait for the next batch's answer;
    #   nil = the publisher's timeout
    # @return [self]
    # @raise [Hearsay::DeadlineExceeded] no batch answered for timeout_s
    def flush(timeout_s: nil)
      limit = timeout_s || @timeout_s
      @mutex.synchronize do
        target = @seq
        @flush_to = target
        @cv.broadcast
        progress = [@settled, Clock.monotonic]
        until @settled >= target
          progress = [@settled, Clock.monotonic] if @settled > progress[0]
          left = progress[1] + limit - Clock.monotonic
          if left <= 0
            raise DeadlineExceeded, "publisher: #{target - @settled} digest(s) unanswered, none answered for #{limit} s"
          end

          @cv.wait(@mutex, left)
        end
      end
      self
    end

    # Flushes, stops the sender and raises the first failure since the
    # publisher was made, so failures are never silent.
    # @return [void]
    # @raise [Hearsay::Error]
    def close(timeout_s: nil)
      begin
        flush(timeout_s: timeout_s) unless @thread.nil? || !@thread.alive?
      ensure
        stop
      end
      err = @mutex.synchronize { @first_error }
      raise err if err
    end

    # Fails everything not yet sent with {Hearsay::Cancelled} and stops.
    # @return [void]
    def abort
      unsent = @mutex.synchronize do
        @closing = true
        @buffer.slice!(0..)
      end
      unsent.each { |_, _, p| p.settle(error: Cancelled.new("publisher: aborted before sending"), published: false) }
      settled(unsent.size, 0, nil)
      stop
    end

    # @return [Integer] digests queued or awaiting an answer
    def pending_count
      @mutex.synchronize { @pending }
    end

    private

    def stop
      @mutex.synchronize do
        @closing = true
        @cv.broadcast
      end
      @thread.join(@timeout_s + 1) unless Thread.current == @thread
      @on_close&.call(self)
    end

    def wait_for_room
      deadline = Clock.monotonic + @timeout_s
      while @pending >= @max_pending
        left = deadline - Clock.monotonic
        if left <= 0
          raise ResourceExhausted, "publisher: max_pending (#{@max_pending}) digests unanswered for #{@timeout_s} s"
        end

        @cv.wait(@mutex, left)
        raise FailedPrecondition, "publisher is closed" if @closing
      end
    end

    def run
      loop do
        batch = next_batch or break
        send_batch(batch)
      end
    rescue StandardError => e
      fail_all(e.is_a?(Error) ? e : Internal.new("publisher failed: #{e.class}: #{e.message}"))
    end

    # Waits for a batch: full, lingered, flushed or closing. nil = closed and empty.
    def next_batch
      @mutex.synchronize do
        loop do
          if @buffer.empty?
            return nil if @closing

            @cv.wait(@mutex)
            next
          end
          oldest_at = @buffer.first[3]
          urgent = @closing || @buffer.size >= @max_batch || @buffer.first[0] <= @flush_to
          left = oldest_at + @linger_s - Clock.monotonic
          return @buffer.shift(@max_batch) if urgent || left <= 0

          @cv.wait(@mutex, left)
        end
      end
    end

    def send_batch(batch)
      results = @transport.publish_batch(@overlay, batch.map { |e| e[1] }, @max_batch, @timeout_s)
      batch.each_with_index do |(_, _, pending), i|
        r = results[i]
        if r
          pending.settle(result: r)
        else
          pending.settle(error: Internal.new("publisher: the gateway acknowledged fewer digests than were sent"))
        end
      end
      settled(batch.size, results.size.clamp(0, batch.size), nil)
    rescue Error => e
      failed(batch, e)
    end

    # The gateway names the refused digest's index: those before it were published.
    def failed(batch, err)
      m = /digests\[(\d+)\]/.match(err.message)
      index = m ? Integer(m[1]) : nil
      batch.each_with_index do |(_, _, pending), i|
        msg = err.message
        if index && i != index
          msg = "#{i < index ? 'published' : 'not published'}: digest #{index} of its batch was refused: #{err.message}"
        end
        pending.settle(error: err.class.new(msg, code: err.code), published: index && i < index)
      end
      settled(batch.size, index || 0, err)
    end

    def settled(count, ok, err)
      @mutex.synchronize do
        @settled += count
        @pending -= count
        @published_count += ok
        @failed_count += count - ok
        @first_error ||= err
        @cv.broadcast
      end
    end

    # The sender broke (a bug, not a refusal): fail what is queued, refuse more.
    def fail_all(err)
      rest = @mutex.synchronize do
        @closing = true
        @buffer.slice!(0..)
      end
      rest.each { |_, _, p| p.settle(error: err, published: false) }
      settled(rest.size, 0, err)
    end

    def positive(n, name)
      raise ArgumentError, "#{name}: expected a positive Integer, got #{n.inspect}" unless n.is_a?(Integer) && n.positive?

      n
    end

    def non_negative(n, name)
      raise ArgumentError, "#{name}: expected a number >= 0, got #{n.inspect}" unless n.is_a?(Numeric) && n >= 0

      n
    end
  end
end

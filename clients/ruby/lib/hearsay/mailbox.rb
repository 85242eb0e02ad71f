# frozen_string_literal: true

module Hearsay
  # A bounded FIFO between a stream's reader thread and its consumer, with
  # timeouts (Ruby 3.1's Queue#pop has none). A full mailbox blocks the reader,
  # which stops reading, so gRPC flow control pushes back on the gateway.
  # @api private
  class Mailbox
    # @param capacity [Integer] items held before #push blocks
    def initialize(capacity)
      @capacity = capacity
      @items = []
      @mutex = Mutex.new
      @readable = ConditionVariable.new
      @writable = ConditionVariable.new
      @closed = false
      @finished = false
      @failure = nil
    end

    # Waits while full. @return [Boolean] false when closed (the item is dropped)
    def push(item)
      @mutex.synchronize do
        @writable.wait(@mutex) while @items.size >= @capacity && !@closed
        return false if @closed

        @items << item
        @readable.signal
        true
      end
    end

    # The next item; waits up to timeout_s (nil = until one comes or the end).
    # @return [Array] [:item, x], [:timeout], or [:end, error_or_nil] once
    #   finished and drained, or closed
    def pop(timeout_s = nil)
      deadline = timeout_s && (Clock.monotonic + timeout_s)
      @mutex.synchronize do
        loop do
          return [:end, nil] if @closed
          unless @items.empty?
            item = @items.shift
            @writable.signal
            return [:item, item]
          end
          return [:end, @failure] if @finished

          if deadline
            left = deadline - Clock.monotonic
            return [:timeout] if left <= 0

            @readable.wait(@mutex, left)
          else
            @readable.wait(@mutex)
          end
        end
      end
    end

    # No more items will come; consumers get what is queued, then [:end, error].
    def finish(error = nil)
      @mutex.synchronize do
        return if @finished

        @finished = true
        @failure = error
        @readable.broadcast
      end
    end

    # Drops what is queued and wakes everyone: pushes fail, pops end.
    def close
      @mutex.synchronize do
        @closed = true
        @items.clear
        @readable.broadcast
        @writable.broadcast
      end
    end

    # @return [Integer] items waiting
    def size
      @mutex.synchronize { @items.size }
    end

    # @return [Boolean] whether a push would block now
    def full?
      @mutex.synchronize { @items.size >= @capacity }
    end
  end
end

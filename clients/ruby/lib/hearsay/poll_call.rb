# frozen_string_literal: true

module Hearsay
  class ThriftTransport
    # A Thrift subscription or watch, shaped like a gRPC server stream: #each
    # opens it on a connection of its own (a long poll holds its connection),
    # then long-polls and yields each item until #cancel. The id is released
    # on the gateway (unsubscribe over the client's main connection) when it
    # ends, so it does not count against the client's subscription limit.
    # @api private
    class PollCall
      # Pause after a poll that returned fewer than POLL_FULL_ITEMS items (digests),
      # seconds: bounds the round trips to ~1 / POLL_LINGER_S per second on a
      # busy stream, at the cost of up to this much added latency.
      POLL_LINGER_S = 0.002
      POLL_FULL_ITEMS = 64

      # @param control [ThriftTransport] the client's main connection, for unsubscribe
      # @param started [Boolean] yield [:started, id] once open (subscriptions)
      # @param open [Proc] (client, token) -> id
      # @param poll [Proc] (client, token, id) -> Array of items
      def initialize(control, started:, open:, poll:)
        @control = control
        @conn = control.fork
        @started = started
        @open = open
        @poll = poll
        @cancelled = false
      end

      # Returns after #cancel; raises {Hearsay::Error} when opening or polling fails.
      def each(&block)
        @id = @conn.call { |c, t| @open.call(c, t) }
        yield [:started, @id] if @started
        # The socket waits up to the poll's wait plus the usual call timeout.
        wait_s = POLL_WAIT_MS / 1000.0
        until @cancelled
          items = poll_once(wait_s)
          items.each(&block)
          # A short answer means items trickle in: let a few more gather
          # before asking again, rather than one round trip per item.
          sleep(POLL_LINGER_S) if count(items) < POLL_FULL_ITEMS && !@cancelled
        end
        nil
      ensure
        release
      end

      # Ends the call from any thread: a poll in flight fails at once.
      def cancel
        @cancelled = true
        @conn.interrupt
      end

      private

      # Digests in a batch count one each.
      def count(items)
        items.sum { |i| i.is_a?(Array) && i[0] == :digests ? i[1].size : 1 }
      end

      def poll_once(wait_s)
        @conn.call(wait_s + @conn.call_timeout_s) { |c, t| @poll.call(c, t, @id) }
      rescue NotFound => e
        # The gateway expired it (not polled within its idle bound, e.g. after
        # a long stall): the id is gone, open a new one.
        @id = nil
        raise Unavailable, "Thrift subscription expired on the gateway: #{e.message}"
      end

      def release
        id = @id
        @id = nil
        @conn.close
        @control.unsubscribe(id) if id
      rescue Error
        nil # the gateway is gone or the id expired: nothing left to release
      end
    end
  end
end

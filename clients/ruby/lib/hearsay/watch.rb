# frozen_string_literal: true

module Hearsay
  # A stream of membership or service-catalog events, made by
  # {Client#watch_members} / {Client#watch_services}. Enumerable like a
  # {Subscription}; reconnects by itself. The gateway does not replay events
  # missed while disconnected, so after a reconnect the watch asks again for
  # the current state: a `:current` event per member / instance re-syncs the
  # consumer.
  class Watch
    include StreamReader

    # Events held before the SDK stops reading.
    MAX_QUEUED_EVENTS = 1_024

    # @api private — use {Client#watch_members} / {Client#watch_services}
    # @param open [Proc] (include_current) -> call
    def initialize(name, include_current:, reconnect:, on_retry:, on_end:, &open)
      opened = 0
      @stream = ResilientStream.new(
        name: name, reconnect: reconnect, max_queued: MAX_QUEUED_EVENTS,
        # The gateway sends no keep-alives on watches: gRPC pings and the
        # Thrift poll timeout notice a dead connection.
        idle_timeout_s: 0,
        open: lambda {
          current = opened.positive? || include_current
          opened += 1
          open.call(current)
        },
        handle: ->(event) { [event] },
        on_retry: on_retry,
        on_end: ->(_err) { on_end&.call(self) }
      )
    end

    # The next event.
    # @param timeout_s [Numeric, nil] nil = until one comes
    # @return [Hearsay::MemberEvent, Hearsay::ServiceEvent, nil] nil on timeout or once closed
    # @raise [Hearsay::Error] the error that ended the watch
    def receive(timeout_s: nil)
      next_output(timeout_s)
    end
  end
end

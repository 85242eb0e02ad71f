# frozen_string_literal: true

module Hearsay
  # A stream of membership or service-catalog events, made by
  # {Client#watch_members} / {Client#watch_services}. Enumerable like a
  # {Subscription}; reconnects by itself. First come `:current` events (with
  # include_current), then one `:snapshot_end`, then live changes;
  # {#wait_snapshot} returns the set in one piece. The gateway does not
  # replay events missed while disconnected, so after a reconnect the watch
  # asks again for the current state: `:current` events per member /
  # instance, then `:snapshot_end`, re-sync the consumer (what it holds that
  # the re-sync did not name is gone).
  class Watch
    include StreamReader

    # Events held before the SDK stops reading.
    MAX_QUEUED_EVENTS = 1_024

    # @api private — use {Client#watch_members} / {Client#watch_services}
    # @param open [Proc] (include_current) -> call
    # @param snapshot [Hash] {SnapshotFold::MEMBERS} or {SnapshotFold::SERVICES}
    def initialize(name, include_current:, reconnect:, on_retry:, on_end:, snapshot:, &open)
      opened = 0
      @name = name
      @snapshot = SnapshotFold.new(snapshot)
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
      event = next_output(timeout_s)
      @snapshot.add(event) if event
      event
    end

    # The set the watch's first events describe (the `:current` ones), once it
    # has passed the gateway's `:snapshot_end`: [] when there is none, or
    # without include_current. Reads those events itself (iterating goes on
    # after them); once the end has been read, by this or by iterating, it
    # answers at once.
    # @param timeout_s [Numeric]
    # @return [Array<Hearsay::Member>, Array<Hearsay::Service>]
    # @raise [Hearsay::DeadlineExceeded] on timeout; {Hearsay::Cancelled} when
    #   closed first; the error that ended the watch
    def wait_snapshot(timeout_s: 10)
      deadline = Clock.monotonic + timeout_s
      until @snapshot.result
        kind, value = @stream.pop([deadline - Clock.monotonic, 0].max)
        case kind
        when :item then @snapshot.add(value)
        when :timeout then raise DeadlineExceeded, "#{@name}: no snapshot end within #{timeout_s} s"
        else raise value || Cancelled.new("#{@name}: closed before its snapshot end")
        end
      end
      @snapshot.result
    end
  end
end

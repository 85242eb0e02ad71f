# frozen_string_literal: true

module Hearsay
  # A live subscription, made by {Client#subscribe}. Iterate it (it is
  # Enumerable; #each without a block is an Enumerator) or take deliveries one
  # at a time with {#receive}. Each item is a {DigestDelivery} or a
  # {GapDelivery}, plus one {CaughtUpDelivery} when subscribed with
  # `include_caught_up: true` ({#caught_up?} / {#wait_caught_up} either way).
  #
  # It reconnects by itself (backing off 0.1 s doubling to 5 s, jittered),
  # resuming from the positions it received (per (origin, type) an (epoch,
  # stream sequence), epochs first) and dropping anything at or before
  # them, so a reconnect neither loses nor repeats digests. A "latest"
  # subscription asks for "earliest" on reconnect and drops digests of new
  # (origin, type) pairs published before it began (minus the bus's 5 s
  # clock-skew grace). Refusals (NotFound, PermissionDenied, ...) end it: the
  # iteration raises the error after what was already queued.
  class Subscription
    include StreamReader

    # How far before its start a "latest" subscription accepts digests of new
    # (origin, type) pairs after a reconnect, ms (the bus's start grace).
    START_GRACE_MS = 5_000

    # @return [Array<String>] the digest type names subscribed to
    attr_reader :types

    # @api private — use {Client#subscribe}
    def initialize(transport, overlay, codecs, resume_from:, start:, include_json:, max_batch_digests:,
                   keepalive_s:, reconnect:, max_queued:, on_retry:, on_end:, include_caught_up: false)
      @transport = transport
      @codecs = codecs # type name => codec or nil
      @types = codecs.keys.freeze
      @state = CursorState.new(resume_from)
      @last = @state.snapshot
      @resumed = !resume_from.nil?
      @start = start
      @opened = 0
      @first_open_ms = 0
      @started = Latch.new
      @caught_up = Latch.new
      @caught_up_mark = nil
      @include_caught_up = include_caught_up
      @ended = false
      @params = Wire::SubscribeParams.new(overlay: overlay, types: @types, include_json: include_json,
                                          max_batch_digests: max_batch_digests,
                                          keepalive_ms: (keepalive_s * 1000).round)
      @stream = ResilientStream.new(
        name: "hearsay-subscribe #{@types.first}", reconnect: reconnect, max_queued: max_queued,
        # gRPC: the gateway sends keep-alives every keepalive_s; 3 missed + 5 s = dead.
        # Thrift long polls have their own socket timeout.
        idle_timeout_s: transport.is_a?(GrpcTransport) ? (keepalive_s * 3) + 5 : 0,
        open: -> { transport.open_subscription(next_params) },
        handle: ->(item) { handle(item) },
        on_retry: on_retry,
        on_end: lambda { |err|
          @ended = true
          @started.fail(err || Cancelled.new("subscription closed before it started"))
          @caught_up.fail(err || Cancelled.new("subscription closed before it caught up"))
          on_end&.call(self)
        }
      )
    end

    # The cursor after the last delivery taken from this subscription: resume
    # from it (`subscribe(..., resume_from: sub.cursor)`) to continue right after.
    # @return [Hearsay::Cursor]
    def cursor
      @last
    end

    # Waits until the gateway has started the subscription (on gRPC its
    # SubscriptionStarted; on Thrift once `subscribe` answered): digests
    # published after this are delivered, also with start: :latest.
    # @param timeout_s [Numeric]
    # @return [String] the gateway's subscription id
    # @raise [Hearsay::Error] why it could not start (e.g. {Hearsay::NotFound}
    #   for an unregistered type); {Hearsay::DeadlineExceeded} on timeout
    def wait_started(timeout_s: 10)
      @started.wait(timeout_s) or raise DeadlineExceeded, "subscription to #{@types.join(', ')} " \
                                                         "not started within #{timeout_s} s"
    end

    # Whether the gateway has delivered the backlog the subscription started
    # with (its retained history, per start / resume_from) to this SDK:
    # everything read after it is live. Deliveries still queued here come
    # first; subscribe with `include_caught_up: true` to get the
    # {CaughtUpDelivery} in order with them. Stays true across reconnects.
    # @return [Boolean]
    def caught_up?
      !@caught_up_mark.nil?
    end

    # Waits until {#caught_up?} (deliveries stay queued for {#receive}).
    # @param timeout_s [Numeric]
    # @return [Hearsay::CaughtUpDelivery] the marker
    # @raise [Hearsay::Error] what ended the subscription first;
    #   {Hearsay::DeadlineExceeded} on timeout
    def wait_caught_up(timeout_s: 10)
      @caught_up.wait(timeout_s) or raise DeadlineExceeded, "subscription to #{@types.join(', ')} " \
                                                           "not caught up within #{timeout_s} s"
    end

    # The next delivery.
    # @param timeout_s [Numeric, nil] how long to wait; nil = until one comes
    # @return [Hearsay::DigestDelivery, Hearsay::GapDelivery, Hearsay::CaughtUpDelivery, nil] nil on
    #   timeout or once the subscription is closed ({#closed?})
    # @raise [Hearsay::Error] the error that ended the subscription
    def receive(timeout_s: nil)
      delivery = next_output(timeout_s)
      @last = delivery.cursor if delivery
      delivery
    end

    # @return [Boolean] closed, or ended by an error
    def closed?
      @stream.closed? || @ended
    end

    # @return [String]
    def inspect
      "#<Hearsay::Subscription #{@types.join(',')}#{closed? ? ' closed' : ''}>"
    end

    private

    # What each (re)connect asks for. After a reconnect, pairs not yet in the
    # cursor must still get what was published since the subscription began:
    # ask for everything and filter by time.
    def next_params
      first = @opened.zero?
      @opened += 1
      @first_open_ms = now_ms if first
      p = @params.dup
      p.start = @start == :earliest || !first ? :earliest : :latest
      p.resume_from = first && !@resumed ? nil : @state.snapshot
      p
    end

    def handle(item)
      case item[0]
      when :digests then item[1].filter_map { |d| accept(d) }
      when :gap then [gap(item[1])]
      when :caught_up then caught_up(item[1])
      when :started
        @started.set(item[1])
        []
      else []
      end
    end

    def accept(d)
      epoch = d.epoch.to_i
      sseq = d.stream_sequence.to_i
      at = @state.at(d.origin, d.type)
      return nil if at&.covers?(epoch, sseq)
      return nil if at.nil? && @start != :earliest && @opened > 1 && d.publish_time_ms < @first_open_ms - START_GRACE_MS

      @state.advance(d.origin, d.type, epoch, sseq)
      message, decode_error = decode(d)
      DigestDelivery.new(type: d.type, id: d.id, origin: d.origin, sequence: d.sequence, epoch: epoch,
                         stream_sequence: sseq, publish_time_ms: d.publish_time_ms, headers: d.headers,
                         payload: d.payload, message: message, decode_error: decode_error, json: d.json,
                         cursor: @state.snapshot)
    end

    # The first marker is recorded (and delivered when asked for); each
    # reconnected stream sends its own, dropped.
    def caught_up(c)
      return [] if @caught_up_mark

      @caught_up_mark = CaughtUpDelivery.new(server_time_ms: c.server_time_ms, backlog_digests: c.backlog_digests,
                                             cursor: @state.snapshot)
      @caught_up.set(@caught_up_mark)
      @include_caught_up ? [@caught_up_mark] : []
    end

    def decode(d)
      codec = @codecs[d.type]
      return [nil, nil] unless codec

      [codec.decode(d.payload), nil]
    rescue StandardError => e
      [nil, e]
    end

    def gap(g)
      @state.merge(g.resume_from)
      GapDelivery.new(reason: g.reason, ranges: g.ranges, message: g.message, resume_from: g.resume_from,
                      cursor: @state.snapshot)
    end

    def now_ms
      Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond)
    end
  end

  # A value set once by one thread and awaited by others (or a failure).
  # @api private
  class Latch
    def initialize
      @mutex = Mutex.new
      @cv = ConditionVariable.new
      @value = nil
      @error = nil
    end

    def set(value)
      @mutex.synchronize do
        @value ||= value
        @cv.broadcast
      end
    end

    def fail(error)
      @mutex.synchronize do
        @error ||= error unless @value
        @cv.broadcast
      end
    end

    # @return [Boolean]
    def failed?
      !@error.nil?
    end

    # @return [Object, nil] the value; nil on timeout
    # @raise [Hearsay::Error] the failure
    def wait(timeout_s)
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout_s
      @mutex.synchronize do
        loop do
          return @value if @value
          raise @error if @error

          left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
          return nil if left <= 0

          @cv.wait(@mutex, left)
        end
      end
    end
  end
end

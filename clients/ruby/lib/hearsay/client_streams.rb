# frozen_string_literal: true

module Hearsay
  class Client
    # Subscriptions and watches of a {Client}: long-lived streams that
    # reconnect by themselves. Each has a block form (runs in the calling
    # thread, closed when the block ends) and an object form (Enumerable,
    # closed by #close or {Client#close}).
    module Streams
      START_POSITIONS = %i[latest earliest].freeze

      # Subscribes to digest types and delivers their digests and gap notices.
      #
      # @example Block form: runs until `break` (or the subscription is closed elsewhere)
      #   client.subscribe(Demo::Greeting, "other.Type", resume_from: saved) do |d|
      #     next warn(d.message) if d.gap?
      #     handle(d.message || d.payload)
      #     save(d.cursor.to_json)
      #   end
      # @example Object / Enumerator form
      #   sub = client.subscribe(Demo::Greeting)
      #   sub.wait_started
      #   d = sub.receive(timeout_s: 5)
      #   sub.each_slice(100) { |batch| ... }
      #
      # @param types [Array<String, Class, #decode>] type names (payload bytes
      #   only) and/or classes or codecs (deliveries carry the decoded message)
      # @param resume_from [Hearsay::Cursor, String, nil] continue after these
      #   positions (a cursor or its JSON); pairs absent from it follow `start`
      # @param start [Symbol] :latest (default) or :earliest (all that retention holds)
      # @param include_json [Boolean] also deliver each payload as JSON
      # @param include_caught_up [Boolean] also deliver the {Hearsay::CaughtUpDelivery}
      #   marker, once, in order: the backlog asked for has been delivered, what
      #   follows is live ({Subscription#caught_up?} reports it either way)
      # @param max_batch_digests [Integer] most digests per gateway batch; 0 = the gateway's limit
      # @param keepalive_s [Numeric] gateway keep-alive period on a quiet stream
      #   (gRPC), seconds; the stream is reopened after 3 silent periods + 5 s
      # @param reconnect [Boolean, Hash, Hearsay::Backoff] reconnect timing; false = raise the first failure
      # @param max_queued [Integer] deliveries buffered before the SDK stops reading (backpressure)
      # @param on_retry [Proc, nil] (error, attempt, delay_s), told about each failure that will be retried
      # @yieldparam delivery [Hearsay::DigestDelivery, Hearsay::GapDelivery, Hearsay::CaughtUpDelivery]
      # @return [Hearsay::Subscription] without a block; with one, nil once it ends
      # @raise [Hearsay::Error] the error that ended it (block form), e.g.
      #   {Hearsay::NotFound} for an unregistered type
      def subscribe(*types, resume_from: nil, start: :latest, include_json: false, include_caught_up: false,
                    max_batch_digests: 0, keepalive_s: 15, reconnect: true, max_queued: 4_096, on_retry: nil, &block)
        check_open
        codecs = @encoder.subscription_types(types)
        unless START_POSITIONS.include?(start)
          raise ArgumentError, "start: expected :latest or :earliest, got #{start.inspect}"
        end

        check_count(max_batch_digests, "max_batch_digests", min: 0)
        check_count(max_queued, "max_queued", min: 1)
        unless keepalive_s.is_a?(Numeric) && keepalive_s >= 1 && keepalive_s <= 3_600
          raise ArgumentError, "keepalive_s: expected seconds between 1 and 3600, got #{keepalive_s.inspect}"
        end

        sub = Subscription.new(@adapter, @overlay, codecs, resume_from: Cursor.from(resume_from), start: start,
                                                           include_json: include_json ? true : false,
                                                           max_batch_digests: max_batch_digests,
                                                           keepalive_s: keepalive_s, reconnect: Backoff.from(reconnect),
                                                           max_queued: max_queued, on_retry: on_retry,
                                                           on_end: ->(s) { untrack(s) },
                                                           include_caught_up: include_caught_up ? true : false)
        run_stream(track(sub), &block)
      end

      # Membership events as they happen, reconnecting by itself: `:current`
      # events (when asked for), one `:snapshot_end`, then changes (after a
      # reconnect, `:current` events and `:snapshot_end` again re-sync you).
      # {Watch#wait_snapshot} returns the members known when it began.
      # @param include_current [Boolean] start with a `:current` event per known member
      # @param tags [Hash{String=>String}] only members carrying all of these
      # @yieldparam event [Hearsay::MemberEvent]
      # @return [Hearsay::Watch] without a block; with one, nil once it ends
      def watch_members(include_current: false, tags: {}, reconnect: true, on_retry: nil, &block)
        check_open
        tags = check_tags(tags)
        watch = Watch.new("hearsay-watch-members", include_current: include_current ? true : false,
                                                   reconnect: Backoff.from(reconnect), on_retry: on_retry,
                                                   on_end: ->(w) { untrack(w) },
                                                   snapshot: SnapshotFold::MEMBERS) do |current|
          @adapter.open_member_watch(@overlay, current, tags)
        end
        run_stream(track(watch), &block)
      end

      # Service catalog changes for one service name (or all) as they happen;
      # each event carries every passing instance of that name after it. As
      # for members: `:current` events, one `:snapshot_end`, then changes.
      # @param name [String, nil] service name; nil = all services
      # @param include_current [Boolean] start with a `:current` event per known instance
      # @yieldparam event [Hearsay::ServiceEvent]
      # @return [Hearsay::Watch] without a block; with one, nil once it ends
      def watch_services(name = nil, include_current: false, reconnect: true, on_retry: nil, &block)
        check_open
        name = service_name(name, allow_nil: true)
        watch = Watch.new("hearsay-watch-services", include_current: include_current ? true : false,
                                                    reconnect: Backoff.from(reconnect), on_retry: on_retry,
                                                    on_end: ->(w) { untrack(w) },
                                                    snapshot: SnapshotFold::SERVICES) do |current|
          @adapter.open_service_watch(@overlay, name, current)
        end
        run_stream(track(watch), &block)
      end

      private

      def run_stream(stream, &block)
        return stream unless block

        begin
          stream.each(&block)
        ensure
          stream.close
        end
        nil
      end

      def check_count(n, label, min:)
        return if n.is_a?(Integer) && n >= min && n <= 1_000_000

        raise ArgumentError, "#{label}: expected an Integer from #{min} to 1000000, got #{n.inspect}"
      end
    end
  end
end

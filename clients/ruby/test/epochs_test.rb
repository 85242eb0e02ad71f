# frozen_string_literal: true

require "test_helper"

# Stream epochs and the caught-up marker, without a gateway: cursor order
# (epochs first, epoch 0 below every epoch), both transports' conversions, and
# a Subscription fed scripted streams across a reconnect.
class EpochsTest < Minitest::Test
  V = Hearsay::V1
  A = Hearsay::ThriftApi

  def pos(origin, type, sequence, epoch = 0)
    Hearsay::CursorPosition.new(origin: origin, type: type, sequence: sequence, epoch: epoch).freeze
  end

  def test_positions_order_epochs_first
    p = pos("n1", "t", 10, 5)
    assert p.covers?(5, 10)
    assert p.covers?(5, 3)
    assert p.covers?(4, 1_000_000)
    assert p.covers?(0, 99)
    refute p.covers?(5, 11)
    refute p.covers?(6, 1)
    zero = Hearsay::Cursor.new([{ origin: "n1", type: "t", sequence: 7 }]).positions.first
    assert_equal 0, zero.epoch
    assert zero.covers?(0, 7)
    refute zero.covers?(0, 8)
    refute zero.covers?(1, 1), "epoch 0 is below every epoch"
  end

  def test_cursor_state_advances_by_epoch_then_sequence
    s = Hearsay::CursorState.new
    assert s.advance("n1", "t", 3, 10)
    refute s.advance("n1", "t", 3, 10)
    refute s.advance("n1", "t", 3, 9)
    refute s.advance("n1", "t", 2, 500), "an older epoch, however far"
    assert s.advance("n1", "t", 4, 1), "a newer epoch starts again from 1"
    assert_equal pos("n1", "t", 1, 4), s.snapshot.position("n1", "t")
    assert_equal 4, s.snapshot.epoch("n1", "t")
    s.merge(Hearsay::Cursor.new([pos("n1", "t", 900, 3), pos("n2", "t", 2, 1)]))
    assert_equal pos("n1", "t", 1, 4), s.snapshot.position("n1", "t"), "a gap's older resume cursor moves nothing back"
    s.merge(Hearsay::Cursor.new([pos("n1", "t", 0, 5)]))
    assert_equal pos("n1", "t", 0, 5), s.snapshot.position("n1", "t")
  end

  def test_cursor_json_keeps_epochs_and_reads_old_cursors
    c = Hearsay::Cursor.new([pos("n1", "t", 2**64 - 1, 2**64 - 1), pos("n2", "t", 3)])
    assert_includes c.to_json, '"epoch":"18446744073709551615"'
    assert_equal c, Hearsay::Cursor.from_json(c.to_json)
    old = Hearsay::Cursor.from_json('{"positions":[{"origin":"n1","type":"t","sequence":"4"}]}')
    assert_equal [pos("n1", "t", 4, 0)], old.positions
    assert_equal 9, Hearsay::Cursor.from_json('{"positions":[{"origin":"n","type":"t","epoch":9}]}').epoch("n", "t")
    err = assert_raises(ArgumentError) { Hearsay::Cursor.from_json('{"positions":[{"origin":"n","type":"t","epoch":"-1"}]}') }
    assert_match(/epoch/, err.message)
    # A position built without epoch (nil) reads as epoch 0.
    assert_equal 0, Hearsay::Cursor.new([Hearsay::CursorPosition.new(origin: "n", type: "t", sequence: 1).freeze])
                                  .epoch("n", "t")
  end

  CURSOR = Hearsay::Cursor.new([{ origin: "n1", type: "t", sequence: 12, epoch: 1_700_000_000_123 },
                                { origin: "n2", type: "u", sequence: 3 }])

  def test_cursor_round_trips_grpc_with_epoch
    msg = Hearsay::GrpcConvert.cursor_message(CURSOR)
    assert_equal [[12, 1_700_000_000_123], [3, 0]], msg.positions.map { |p| [p.sequence, p.epoch] }
    back = Hearsay::GrpcConvert.cursor(V::Cursor.decode(V::Cursor.encode(msg)))
    assert_equal CURSOR, back
  end

  def test_cursor_round_trips_thrift_with_epoch
    st = Hearsay::ThriftConvert.cursor_struct(CURSOR)
    bytes = Thrift::Serializer.new(Thrift::BinaryProtocolFactory.new).serialize(st)
    back = A::Cursor.new
    Thrift::Deserializer.new(Thrift::BinaryProtocolFactory.new).deserialize(back, bytes)
    assert_equal [[12, 1_700_000_000_123], [3, 0]], back.positions.map { |p| [p.sequence, p.epoch] }
    assert_equal CURSOR, Hearsay::ThriftConvert.cursor(back)
    unset = A::Cursor.new(positions: [A::CursorPosition.new(origin: "n", type: "t")])
    assert_equal [pos("n", "t", 0, 0)], Hearsay::ThriftConvert.cursor(unset).positions
  end

  def test_grpc_items_carry_epochs_gaps_and_caught_up
    r = V::SubscribeResponse.new(batch: V::DigestBatch.new(digests: [
      V::Digest.new(type: "t", origin: "n1", sequence: 40, epoch: 6, stream_sequence: 2, id: "n1:6:40")
    ]))
    kind, (d,) = Hearsay::GrpcConvert.subscribe_item(r)
    assert_equal :digests, kind
    assert_equal [40, 6, 2, "n1:6:40"], [d.sequence, d.epoch, d.stream_sequence, d.id]
    kind, c = Hearsay::GrpcConvert.subscribe_item(
      V::SubscribeResponse.new(caught_up: V::CaughtUp.new(server_time_ms: 99, backlog_digests: 1))
    )
    assert_equal [:caught_up, 99, 1], [kind, c.server_time_ms, c.backlog_digests]
    gap = V::GapNotice.new(reason: :GAP_REASON_RETENTION_EXPIRED,
                           ranges: [V::GapRange.new(origin: "n1", type: "t", from_sequence: 3, to_sequence: 0, epoch: 6)],
                           resume_from: V::Cursor.new(positions: [V::CursorPosition.new(origin: "n1", type: "t", epoch: 7)]))
    kind, g = Hearsay::GrpcConvert.subscribe_item(V::SubscribeResponse.new(gap: gap))
    assert_equal :gap, kind
    assert_equal [Hearsay::GapRange.new(origin: "n1", type: "t", from_sequence: 3, to_sequence: 0, epoch: 6)], g.ranges
    assert_equal pos("n1", "t", 0, 7), g.resume_from.position("n1", "t")
  end

  def test_thrift_items_carry_epochs_gaps_and_caught_up
    item = A::SubscriptionItem.batch([A::Digest.new(type: "t", origin: "n1", sequence: 8, epoch: 3, streamSequence: 5,
                                                    id: "n1:3:8")])
    _, (d,) = Hearsay::ThriftConvert.subscription_item(item)
    assert_equal [8, 3, 5], [d.sequence, d.epoch, d.stream_sequence]
    kind, c = Hearsay::ThriftConvert.subscription_item(
      A::SubscriptionItem.caughtUp(A::CaughtUp.new(serverTimeMs: 5, backlogDigests: 2))
    )
    assert_equal [:caught_up, 5, 2], [kind, c.server_time_ms, c.backlog_digests]
    gap = A::GapNotice.new(reason: 1, message: "slow",
                           ranges: [A::GapRange.new(origin: "n1", type: "t", fromSequence: 6, toSequence: 8, epoch: 3)],
                           resumeFrom: A::Cursor.new(positions: [A::CursorPosition.new(origin: "n1", type: "t",
                                                                                       sequence: 8, epoch: 3)]))
    _, g = Hearsay::ThriftConvert.subscription_item(A::SubscriptionItem.gap(gap))
    assert_equal 3, g.ranges.first.epoch
    assert_equal pos("n1", "t", 8, 3), g.resume_from.position("n1", "t")
  end

  # One scripted stream per open; the last one stays open until cancelled.
  class FakeCall
    def initialize(items, last)
      @items = items
      @last = last
      @cancelled = Queue.new
    end

    def each(&block)
      @items.each(&block)
      @cancelled.pop if @last
    end

    def cancel
      @cancelled << true
    end
  end

  class FakeTransport
    attr_reader :params

    def initialize(streams)
      @streams = streams
      @params = []
    end

    def open_subscription(params)
      @params << params
      items = @streams.shift || []
      FakeCall.new(items, @streams.empty?)
    end
  end

  def digest(epoch, sseq, seq = sseq)
    [:digests, [Hearsay::Wire::InDigest.new("t", "".b, "n1", seq, 0, {}, "n1:#{epoch}:#{seq}", nil, epoch, sseq)]]
  end

  def subscription(transport, include_caught_up:)
    Hearsay::Subscription.new(transport, "", { "t" => nil }, resume_from: nil, start: :earliest, include_json: false,
                                                              max_batch_digests: 0, keepalive_s: 15,
                                                              reconnect: Hearsay::Backoff.new(initial_delay_s: 0.01),
                                                              max_queued: 100, on_retry: nil, on_end: nil,
                                                              include_caught_up: include_caught_up)
  end

  def test_subscription_dedupes_across_an_epoch_change_and_surfaces_caught_up_once
    up = [:caught_up, Hearsay::Wire::InCaughtUp.new(7, 4)]
    first = [[:started, "s1"], digest(1, 1), digest(1, 2), digest(1, 3)]
    # The reconnected stream replays, then the origin's new epoch counts from 1 again.
    second = [[:started, "s2"], digest(1, 2), digest(1, 3), digest(2, 1), digest(2, 2), up, digest(1, 9), digest(2, 2),
              digest(2, 3), [:caught_up, Hearsay::Wire::InCaughtUp.new(8, 0)]]
    transport = FakeTransport.new([first, second])
    sub = subscription(transport, include_caught_up: true)
    got = Array.new(7) { sub.receive(timeout_s: 5) }
    assert_equal [[1, 1], [1, 2], [1, 3], [2, 1], [2, 2]], got[0, 5].map { |d| [d.epoch, d.stream_sequence] }
    mark = got[5]
    assert mark.caught_up?
    assert_equal :caught_up, mark.kind
    assert_equal [7, 4], [mark.server_time_ms, mark.backlog_digests]
    assert_equal pos("n1", "t", 2, 2), mark.cursor.position("n1", "t")
    assert_equal [2, 3, "n1:2:3"], [got[6].epoch, got[6].stream_sequence, got[6].id]
    assert sub.caught_up?
    assert_same mark, sub.wait_caught_up(timeout_s: 1)
    assert_nil sub.receive(timeout_s: 0.2), "the second stream's marker is not surfaced"
    assert_equal pos("n1", "t", 3, 2), sub.cursor.position("n1", "t")
    resumed = transport.params[1].resume_from
    assert_equal pos("n1", "t", 3, 1), resumed.position("n1", "t")
  ensure
    sub&.close
  end

  def test_caught_up_without_the_item
    transport = FakeTransport.new([[[:started, "s1"], digest(4, 1), [:caught_up, Hearsay::Wire::InCaughtUp.new(1, 1)],
                                    digest(4, 2)]])
    sub = subscription(transport, include_caught_up: false)
    mark = sub.wait_caught_up(timeout_s: 5)
    assert_equal 1, mark.backlog_digests
    assert sub.caught_up?
    got = Array.new(2) { sub.receive(timeout_s: 5) }
    assert_equal [1, 2], got.map(&:stream_sequence)
    assert(got.all?(&:digest?))
  ensure
    sub&.close
  end
end

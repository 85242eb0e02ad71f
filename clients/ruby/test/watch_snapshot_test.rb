# frozen_string_literal: true

require "test_helper"
require "support/gateway_process"

# End of snapshot on member and service watches, over gRPC and Thrift:
# :current events, exactly one :snapshot_end (also for an empty set, and
# first without include_current), then live events; Watch#wait_snapshot.
class WatchSnapshotTest < Minitest::Test
  TRANSPORTS = %i[grpc thrift].freeze

  def cluster
    GatewayProcess.cluster
  end

  def connect(gw, transport, &block)
    Hearsay.connect(address: transport == :grpc ? gw.grpc : gw.thrift, transport: transport, &block)
  end

  def service_name(transport)
    "rb-snap-#{transport}-#{rand(1 << 24)}"
  end

  TRANSPORTS.each do |transport|
    define_method("test_member_watch_current_then_one_snapshot_end_over_#{transport}") do
      connect(cluster[0], transport) do |c|
        w = c.watch_members(include_current: true)
        ended = take(w, 1, timeout_s: 10) { |e| e.kind == :snapshot_end }
        assert_equal [:snapshot_end], ended.map(&:kind)
        assert_nil w.receive(timeout_s: 0.3), "nothing after the snapshot end without a change"
        # The end was read by receiving: wait_snapshot answers at once, with the members.
        members = w.wait_snapshot(timeout_s: 0)
        assert_equal cluster.map(&:name).sort, members.select(&:alive?).map(&:name).sort
        assert(members.all? { |m| m.is_a?(Hearsay::Member) })
        w.close
      end
    end

    define_method("test_an_empty_set_is_told_apart_from_not_yet_over_#{transport}") do
      connect(cluster[1], transport) do |c|
        w = c.watch_members(include_current: true, tags: { "role" => "nobody" })
        first = w.receive(timeout_s: 10)
        assert_equal [:snapshot_end, nil], [first&.kind, first&.member]
        assert_equal [], w.wait_snapshot
        w.close
        w = c.watch_services(service_name(transport), include_current: true)
        first = w.receive(timeout_s: 10)
        assert_equal [:snapshot_end, nil, []], [first&.kind, first&.instance, first&.instances]
        w.close
        w = c.watch_members # without include_current it comes first
        assert_equal :snapshot_end, w.receive(timeout_s: 10)&.kind
        w.close
      end
    end

    define_method("test_service_watch_snapshot_then_live_changes_over_#{transport}") do
      name = service_name(transport)
      connect(cluster[0], transport) do |c|
        a = c.register_service(name, port: 7101)
        b = c.register_service(name, port: 7102, id: "snap-b")
        w = c.watch_services(name, include_current: true)
        assert_equal [a.id, b.id].sort, w.wait_snapshot.map(&:id).sort
        assert_equal true, c.deregister_service(name, b.id)
        e = w.receive(timeout_s: 10)
        assert_equal [:deregistered, b.id, [a.id]], [e&.kind, e&.instance&.id, e&.instances&.map(&:id)]
        w.close
        kinds = []
        c.watch_services(name, include_current: true) do |event|
          kinds << event.kind
          break if event.kind == :snapshot_end
        end
        assert_equal %i[current snapshot_end], kinds
        c.deregister_service(name, a.id)
      end
    end
  end

  def test_wait_snapshot_of_a_closed_watch_raises_cancelled
    connect(cluster[2], :grpc) do |c|
      w = c.watch_members(include_current: true)
      w.close
      assert_raises(Hearsay::Cancelled) { w.wait_snapshot }
    end
  end
end

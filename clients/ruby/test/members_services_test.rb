# frozen_string_literal: true

require "test_helper"
require "support/gateway_process"
require "support/tcp_proxy"

# Members and the service catalog across the three gateways, over gRPC and
# Thrift: lists, watches (also across a reconnect) and service registrations
# the client keeps alive and removes when it closes.
class MembersServicesTest < Minitest::Test
  TRANSPORTS = %i[grpc thrift].freeze

  def cluster
    GatewayProcess.cluster
  end

  def address(gw, transport)
    transport == :grpc ? gw.grpc : gw.thrift
  end

  def connect(gw, transport, &block)
    Hearsay.connect(address: address(gw, transport), transport: transport, &block)
  end

  def service_name
    @service_name ||= "svc-#{name.delete_prefix('test_')[0, 40].tr('_', '-')}-#{rand(1 << 20)}"
  end

  def test_members_lists_the_cluster_alike_over_both_transports
    lists = TRANSPORTS.map do |transport|
      connect(cluster[1], transport) do |c|
        members = c.members(statuses: %i[alive]) # nodes other tests started and stopped have left
        assert_equal cluster.map(&:name).sort, members.map(&:name), transport
        assert(members.all?(&:alive?))
        assert_equal cluster.map(&:gossip).sort, members.map(&:address).sort
        assert_equal members, c.members.select(&:alive?)
        assert(c.members(statuses: %i[dead left]).none? { |m| cluster.map(&:name).include?(m.name) })
        assert_equal [], c.members(tags: { "role" => "nobody" })
        members.map { |m| m.to_h.except(:status_since_ms) }
      end
    end
    assert_equal lists[0], lists[1]
  end

  def test_watch_members_sees_current_then_a_join_and_a_leave
    watches = TRANSPORTS.to_h do |transport|
      client = Hearsay.connect(address: address(cluster[0], transport), transport: transport)
      [transport, [client, client.watch_members(include_current: true)]]
    end
    watches.each do |transport, (_, w)|
      current = w.wait_snapshot(timeout_s: 15) # nodes other tests started and stopped are known, as left
      assert_equal cluster.map(&:name).sort, current.select(&:alive?).map(&:name).sort, transport
    end
    extra = GatewayProcess.start("ruby-extra-#{Process.pid}", "--join", cluster[0].gossip)
    watches.each do |transport, (_, w)|
      joined = take(w, 1, timeout_s: 20) { |e| e.member&.name == extra.name }
      assert_equal [:join], joined.map(&:kind), transport
      assert_equal :alive, joined[0].member.status
    end
    extra.stop
    watches.each do |transport, (_, w)|
      gone = take(w, 1, timeout_s: 30) { |e| e.member&.name == extra.name && %i[leave fail].include?(e.kind) }
      refute_empty gone, "#{transport}: #{extra.name} leaving"
    end
    # Leave the cluster as other tests expect it: no gateway lists the extra node alive any more
    # (the watches above saw the leave at cluster[0]; the others may hear of it a moment later).
    cluster.each do |gw|
      connect(gw, :grpc) do |c|
        wait_until(30, "#{extra.name} not alive at #{gw.name}") do
          c.members(statuses: %i[alive]).none? { |m| m.name == extra.name }
        end
      end
    end
  ensure
    watches&.each_value { |c, w| w.close && c.close }
    extra&.stop
  end

  def test_a_member_watch_resends_current_after_a_reconnect
    TRANSPORTS.each do |transport|
      proxy = TcpProxy.new(address(cluster[2], transport))
      Hearsay.connect(address: proxy.address, transport: transport) do |c|
        w = c.watch_members(reconnect: { initial_delay_s: 0.05, max_delay_s: 0.2 })
        assert_equal [], w.wait_snapshot, transport # without include_current: the watch is in place
        proxy.cut
        # The reconnected watch asks with include_current: :current events, then a second
        # :snapshot_end. Live events of other tests' nodes (a leave) may come first.
        seen = []
        ended = take(w, 1, timeout_s: 20) { |e| (seen << e) && e.kind == :snapshot_end }
        w.close
        assert_equal [:snapshot_end], ended.map(&:kind), transport
        names = cluster.map(&:name)
        current = seen.select { |e| e.kind == :current }.map { |e| e.member.name }
        assert_equal names.sort, (current & names).sort, transport
      end
    ensure
      proxy&.close
    end
  end

  def test_register_list_watch_and_deregister_services_across_gateways
    TRANSPORTS.each do |transport|
      name = "#{service_name}-#{transport}"
      connect(cluster[0], transport) do |a|
        connect(cluster[1], transport) do |b|
          watch = b.watch_services(name)
          assert_equal [], watch.wait_snapshot # the watch is open at the gateway (events are not replayed)
          svc = a.register_service(name, port: 9092, tags: { "version" => "3" })
          assert_equal name, svc.name
          assert_equal "#{cluster[0].name}:#{name}:9092", svc.id
          assert_equal cluster[0].name, svc.node
          assert_equal :passing, svc.health
          assert_equal({ "version" => "3" }, svc.tags)
          listed = wait_until(10, "#{name} at #{cluster[1].name}") { b.services(name).first }
          assert_equal svc.to_h.except(:registered_at_ms), listed.to_h.except(:registered_at_ms)
          assert_equal [listed], b.services(name, passing_only: true, tags: { "version" => "3" })
          assert_equal [], b.services(name, tags: { "version" => "4" })
          assert_includes b.services.map(&:name), name

          event = take(watch, 1, timeout_s: 10).first
          assert_equal :registered, event&.kind, transport
          assert_equal svc.id, event.instance.id
          assert_equal [svc.id], event.instances.map(&:id)

          assert_equal true, a.deregister_service(name, svc.id)
          assert_equal false, a.deregister_service(name, svc.id)
          gone = take(watch, 1, timeout_s: 10).first
          assert_equal :deregistered, gone&.kind
          assert_equal [], gone.instances
          wait_until(10, "#{name} gone at #{cluster[1].name}") { b.services(name).empty? }
          watch.close
        end
      end
    end
  end

  def test_a_ttl_registration_is_kept_alive_and_removed_on_close
    TRANSPORTS.each do |transport|
      name = "#{service_name}-#{transport}"
      connect(cluster[2], transport) do |observer|
        watch = observer.watch_services(name, include_current: true)
        client = Hearsay.connect(address: address(cluster[0], transport), transport: transport)
        svc = client.register_service(name, port: 7000, id: "ttl-1", ttl_s: 1)
        assert_equal 1_000, svc.ttl_ms
        client.register_service(name, port: 7001, id: "plain") # no TTL: removed on close too
        wait_until(10, "both instances at #{cluster[2].name}") { observer.services(name).size == 2 }
        sleep 3 # three TTLs: without refreshes it would be critical, then expired
        assert_equal %w[plain ttl-1], observer.services(name, passing_only: true).map(&:id), transport
        client.close
        wait_until(10, "#{name} deregistered on close") { observer.services(name).empty? }
        kinds = take(watch, 2, timeout_s: 5) { |e| %i[deregistered expired].include?(e.kind) }.map(&:kind)
        watch.close
        assert_equal %i[deregistered deregistered], kinds, "refreshed in time, removed on close (#{transport})"
      end
    end
  end
end

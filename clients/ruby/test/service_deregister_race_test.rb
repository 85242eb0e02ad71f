# frozen_string_literal: true

require "test_helper"
require "support/gateway_process"

# A TTL refresh in flight when the application deregisters must not register
# the instance again: a real gateway, over gRPC and Thrift, with the keeper's
# refresh call slowed down so it is in flight at the moment of the deregister.
class ServiceDeregisterRaceTest < Minitest::Test
  TTL_S = 0.5 # the gateway's minimum: a refresh every ~167 ms
  IN_FLIGHT_S = 0.3 # how long each refresh takes to be sent
  ROUNDS = 3

  def gateway
    GatewayProcess.shared
  end

  def address(transport)
    transport == :grpc ? gateway.grpc : gateway.thrift
  end

  # Delays every refresh of `client` by IN_FLIGHT_S before it is sent (a slow
  # link); returns a Queue that gets an entry as each one starts.
  def slow_refreshes(client)
    started = Queue.new
    keeper = client.instance_variable_get(:@keeper)
    register = keeper.instance_variable_get(:@register)
    keeper.instance_variable_set(:@register, lambda { |req|
      started << true
      sleep IN_FLIGHT_S
      register.call(req)
    })
    started
  end

  # The watch reaches the instance's :deregistered, then says nothing of it for
  # 2 x TTL, and the catalog does not list it meanwhile.
  def assert_stays_gone(watch, lister, name, id)
    gone = take(watch, 1, timeout_s: 10) { |e| e.kind == :deregistered && e.instance&.id == id }
    assert_equal 1, gone.size, "no :deregistered for #{id}"
    quiet_until = monotonic + (2 * TTL_S)
    while (left = quiet_until - monotonic).positive?
      assert_equal [], lister.services(name), "#{id} is back after its deregister"
      e = watch.receive(timeout_s: [left, 0.1].min)
      refute e&.instance&.id == id, "#{id} came back: #{e.inspect}"
    end
  end

  def monotonic
    Process.clock_gettime(Process::CLOCK_MONOTONIC)
  end

  %i[grpc thrift].each do |transport|
    define_method("test_deregister_outlives_a_refresh_in_flight_over_#{transport}") do
      name = "rb-race-#{transport}-#{rand(1 << 20)}"
      Hearsay.connect(address: gateway.grpc) do |watcher|
        watch = watcher.watch_services(name, include_current: false)
        Hearsay.connect(address: address(transport), transport: transport) do |c|
          started = slow_refreshes(c)
          ROUNDS.times do |i|
            svc = c.register_service(name, port: 9000 + i, ttl_s: TTL_S)
            started.clear
            wait_until(5, "a refresh to start", interval_s: 0.005) { !started.empty? }
            # Two deregisters at once: both return after the refresh in flight.
            removed = Array.new(2) { Thread.new { c.deregister_service(name, svc.id) } }.map(&:value)
            assert_equal [false, true], removed.sort_by { |r| r ? 1 : 0 }
            assert_stays_gone(watch, watcher, name, svc.id)
          end
        end
        watch.close
      end
    end

    define_method("test_close_deregisters_after_the_refresh_in_flight_over_#{transport}") do
      name = "rb-race-close-#{transport}-#{rand(1 << 20)}"
      Hearsay.connect(address: gateway.grpc) do |watcher|
        watch = watcher.watch_services(name, include_current: false)
        c = Hearsay.connect(address: address(transport), transport: transport)
        started = slow_refreshes(c)
        svc = c.register_service(name, port: 9100, ttl_s: TTL_S)
        started.clear
        wait_until(5, "a refresh to start", interval_s: 0.005) { !started.empty? }
        c.close
        assert_stays_gone(watch, watcher, name, svc.id)
        watch.close
      end
    end
  end
end

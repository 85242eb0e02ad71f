# frozen_string_literal: true

require "test_helper"

# The TTL keeper with a fake register call that blocks until released: a
# deregister waits for the refresh in flight, and nothing refreshes after it.
class ServiceKeeperTest < Minitest::Test
  Svc = Struct.new(:name, :id)

  # register blocks until #release; what happened, in order, goes to #log.
  class FakeGateway
    def initialize(fail: false)
      @log = []
      @entered = false
      @released = false
      @fail = fail
      @mutex = Mutex.new
      @cv = ConditionVariable.new
    end

    def register(_req)
      note("refresh sent") { @entered = true }
      @mutex.synchronize { @cv.wait(@mutex, 10) until @released }
      note("refresh answered")
      raise Hearsay::Unavailable, "gateway gone" if @fail
    end

    def deregister(name, id)
      note("deregister #{name}/#{id}")
      true
    end

    def wait_entered
      wait_until(5, "a refresh to start", interval_s: 0.005) { @mutex.synchronize { @entered } }
    end

    def release
      note("released") { @released = true }
    end

    def entries
      @mutex.synchronize { @log.reject { |e| e == "released" } }
    end

    private

    def note(what)
      @mutex.synchronize do
        @log << what
        yield if block_given?
        @cv.broadcast
      end
    end
  end

  def keeper_for(gw)
    Hearsay::ServiceKeeper.new(register: gw.method(:register), deregister: gw.method(:deregister))
  end

  def keep(keeper, id = "one", ttl_ms: 30) # refreshed every 10 ms
    keeper.keep(Svc.new("svc", id), { name: "svc", id: id, port: 80, ttl_ms: ttl_ms }, ttl_ms, true)
  end

  [false, true].each do |fail|
    define_method("test_forget_waits_for_the_refresh_in_flight_then_nothing_refreshes#{fail ? '_after_a_failure' : ''}") do
      gw = FakeGateway.new(fail: fail)
      keeper = keeper_for(gw)
      keep(keeper)
      gw.wait_entered
      # Two deregisters at once: both wait for the refresh.
      threads = Array.new(2) { Thread.new { keeper.forget("svc", "one"); gw.deregister("svc", "one") } }
      sleep 0.2
      assert threads.all?(&:alive?), "forget returned with a refresh in flight"
      gw.release
      threads.each { |t| assert t.join(5) }
      sleep 0.2 # 20 refresh periods: none may start
      keeper.close
      assert_equal ["refresh sent", "refresh answered", "deregister svc/one", "deregister svc/one"], gw.entries
      assert_instance_of Hearsay::Unavailable, keeper.last_error if fail
    end
  end

  def test_close_deregisters_after_the_refresh_in_flight
    gw = FakeGateway.new
    keeper = keeper_for(gw)
    keep(keeper)
    gw.wait_entered
    closing = Thread.new { keeper.close }
    sleep 0.2
    assert closing.alive?, "close returned with a refresh in flight"
    gw.release
    assert closing.join(5)
    sleep 0.1
    assert_equal ["refresh sent", "refresh answered", "deregister svc/one"], gw.entries
  end

  def test_forgetting_another_instance_does_not_wait
    gw = FakeGateway.new
    keeper = keeper_for(gw)
    keep(keeper)
    keep(keeper, "two", ttl_ms: 60_000)
    gw.wait_entered
    t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    keeper.forget("svc", "two")
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0, :<, 0.1
    gw.release
    keeper.forget("svc", "one")
    keeper.close
  end
end

# frozen_string_literal: true

require "test_helper"
require "tmpdir"
require "support/gateway_process"
require "support/fixtures"
require "support/tcp_proxy"

# Subscriptions that lose their connection resume by themselves from the last
# position received: nothing lost, nothing repeated. Forced disconnects: the
# network cut between the SDK and a real gateway, and the gateway killed and
# restarted on its data directory.
class ResumeTest < Minitest::Test
  FAST = { initial_delay_s: 0.05, max_delay_s: 0.5 }.freeze
  TRANSPORTS = %i[grpc thrift].freeze

  def address(gw, transport)
    transport == :grpc ? gw.grpc : gw.thrift
  end

  def greeting(i)
    Demo::Greeting.new(text: "#{@run} #{i}", sent_at_ms: i)
  end

  def numbers(deliveries)
    deliveries.map do |d|
      flunk "unexpected #{d.kind}: #{d.to_h}" unless d.digest?
      d.message.sent_at_ms
    end
  end

  def mine
    ->(d) { d.gap? || d.message.text.start_with?("#{@run} ") }
  end

  # Publishes `range`, retrying each digest while the gateway is coming back.
  def publish_all(client, range)
    range.each do |i|
      wait_until(20, "publish #{i}") do
        client.publish(greeting(i))
      rescue Hearsay::Unavailable, Hearsay::DeadlineExceeded
        nil
      end
    end
  end

  def test_network_cut_resumes_without_loss_or_duplicates
    gw = GatewayProcess.shared
    TRANSPORTS.each do |transport|
      @run = "cut-#{transport}-#{rand(1 << 30)}"
      proxy = TcpProxy.new(address(gw, transport))
      retries = Queue.new
      Hearsay.connect(address: gw.grpc) do |pub|
        pub.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
        Hearsay.connect(address: proxy.address, transport: transport) do |c|
          sub = c.subscribe(Demo::Greeting, reconnect: FAST, on_retry: ->(e, n, _) { retries << [e, n] })
          sub.wait_started(timeout_s: 10)
          publish_all(pub, 1..5)
          got = take(sub, 5, timeout_s: 15, &mine)

          proxy.cut(block: true) # the connection drops; reconnects are refused
          publish_all(pub, 6..10)  # published while the subscriber is cut off
          wait_until(15, "a retry after the cut") { !retries.empty? }
          err, = retries.pop
          assert_kind_of Hearsay::Error, err, transport
          assert err.retryable?, "#{err.class} should be retried"
          sleep 0.3 # let a few refused reconnects happen
          proxy.allow
          got += take(sub, 5, timeout_s: 20, &mine)
          publish_all(pub, 11..12)
          got += take(sub, 2, timeout_s: 15, &mine)
          got += take(sub, 1, timeout_s: 1.5, &mine) # one more would be a duplicate
          sub.close
          assert_equal (1..12).to_a, numbers(got), transport
          assert_equal got.map(&:id).uniq, got.map(&:id)
        end
      end
    ensure
      proxy&.close
    end
  end

  def test_gateway_restart_resumes_from_the_cursor
    Dir.mktmpdir("hearsay-ruby-resume") do |dir|
      gw = GatewayProcess.start("ruby-restart-#{Process.pid}", "--data-dir", dir)
      TRANSPORTS.each do |transport|
        @run = "restart-#{transport}-#{rand(1 << 30)}"
        Hearsay.connect(address: address(gw, transport), transport: transport) do |c|
          c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
          retried = 0
          sub = c.subscribe(Demo::Greeting, reconnect: FAST, on_retry: ->(*) { retried += 1 })
          sub.wait_started(timeout_s: 10)
          publish_all(c, 1..5)
          got = take(sub, 5, timeout_s: 15, &mine)
          before = sub.cursor

          # The gateway saves its types 200 ms after a change: let it, then crash it.
          sleep 0.5
          gw.restart("KILL")
          publish_all(c, 6..10)
          got += take(sub, 5, timeout_s: 20, &mine)
          got += take(sub, 1, timeout_s: 1.5, &mine) # one more would be a replayed duplicate
          sub.close
          assert_operator retried, :>=, 1, transport
          assert_equal (1..10).to_a, numbers(got), transport
          assert_equal got[4].sequence + 1, got[5].sequence, "sequences continue across the restart"
          assert_equal got[4].epoch, got[5].epoch, "a restart with its data dir keeps the epoch"
          assert_equal got[4].stream_sequence + 1, got[5].stream_sequence
          position = before.position(gw.name, "demo.Greeting")
          assert_equal [got[4].epoch, got[4].stream_sequence], [position.epoch, position.sequence]
        end
      end
    ensure
      gw&.stop
    end
  end

  def test_without_reconnect_the_failure_ends_the_subscription
    gw = GatewayProcess.shared
    proxy = TcpProxy.new(gw.grpc)
    Hearsay.connect(address: gw.grpc) { |c| c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting") }
    Hearsay.connect(address: proxy.address) do |c|
      sub = c.subscribe(Demo::Greeting, reconnect: false)
      sub.wait_started(timeout_s: 10)
      proxy.cut(block: true)
      err = assert_raises(Hearsay::Error) { sub.receive(timeout_s: 15) }
      assert err.retryable?
      assert sub.closed?
    end
  ensure
    proxy&.close
  end

  # The gateway sends a keep-alive every keepalive_s on a quiet stream; the
  # SDK reopens a stream only after 3 missed periods + 5 s (8 s here). Quiet
  # for longer than that, the subscription must stay up and still deliver.
  def test_a_quiet_stream_is_kept_alive
    gw = GatewayProcess.shared
    Hearsay.connect(address: gw.grpc) do |c|
      c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
      retries = []
      sub = c.subscribe(Demo::Greeting, keepalive_s: 1, on_retry: ->(e, *) { retries << e })
      sub.wait_started(timeout_s: 10)
      @run = "quiet-#{rand(1 << 30)}"
      assert_empty take(sub, 1, timeout_s: 9, &mine), "nothing was published"
      assert_empty retries, "keep-alives arrived, so the stream was not reopened"
      c.publish(greeting(1))
      assert_equal [1], numbers(take(sub, 1, timeout_s: 10, &mine))
      sub.close
    end
  end
end

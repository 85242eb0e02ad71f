# frozen_string_literal: true

require "test_helper"
require "socket"
require "support/gateway_process"

# Connecting to a real gateway process (node bin/hearsay.js agent) that this
# test run starts itself: the handshake, the block form, and gateways that
# cannot be reached.
class LiveGatewayTest < Minitest::Test
  def gateway
    GatewayProcess.shared
  end

  def address(transport)
    transport == :grpc ? gateway.grpc : gateway.thrift
  end

  def test_info_is_the_same_over_grpc_and_thrift
    infos = %i[grpc thrift].map do |transport|
      Hearsay.connect(address: address(transport), transport: transport) do |client|
        info = client.info
        assert_equal gateway.name, info.node_name, transport
        assert_equal 1, info.api_version
        assert_equal "default", info.overlay
        refute_empty info.version
        assert_operator info.limits.max_digest_bytes, :>, 0
        assert info.feature?(:publish)
        info
      end
    end
    same = ->(i) { i.to_h.except(:uptime_ms) }
    assert_equal same.call(infos[0]), same.call(infos[1])
  end

  def test_block_form_closes_and_returns_the_block_value
    %i[grpc thrift].each do |transport|
      client = nil
      value = Hearsay.connect(address: address(transport), transport: transport) do |c|
        client = c
        :done
      end
      assert_equal :done, value
      assert client.closed?
      err = assert_raises(Hearsay::FailedPrecondition) { client.info }
      assert_match(/closed/, err.message)
      assert_raises(Hearsay::FailedPrecondition) { client.subscribe("x.Y") }
      assert_raises(Hearsay::FailedPrecondition) { client.publisher }
    end
  end

  def test_without_a_block_the_client_stays_open_until_closed
    client = Hearsay.connect(address: gateway.thrift, transport: :thrift)
    refute client.closed?
    assert_equal gateway.name, client.info.node_name
  ensure
    client&.close
    client&.close # twice is harmless
  end

  def test_closing_the_client_ends_its_subscriptions_and_watches
    client = Hearsay.connect(address: gateway.grpc)
    client.register_type_from_source("closing.Ping", 'syntax = "proto3"; package closing; message Ping {}',
                                     format: :proto)
    sub = client.subscribe("closing.Ping")
    sub.wait_started(timeout_s: 10)
    watch = client.watch_members
    loop_result = Thread.new { sub.to_a }
    client.close
    assert_equal [], loop_result.value, "a running #each ends without error"
    assert sub.closed?
    assert watch.closed?
  end

  def test_closed_port_raises_unavailable_quickly
    port = TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] } # bound, then closed
    %i[grpc thrift].each do |transport|
      started = Time.now
      err = assert_raises(Hearsay::Unavailable, transport) do
        Hearsay.connect(address: "127.0.0.1:#{port}", transport: transport, connect_timeout_s: 3)
      end
      assert_equal 14, err.code
      assert_includes err.message, "127.0.0.1:#{port}"
      assert_operator Time.now - started, :<, 3.5, "#{transport} must not hang"
    end
  end

  def test_silent_port_raises_unavailable_after_connect_timeout
    silent = TCPServer.new("127.0.0.1", 0) # accepts in the kernel, never answers
    %i[grpc thrift].each do |transport|
      [nil, { ca_file: nil }].each do |tls|
        started = Time.now
        assert_raises(Hearsay::Unavailable, transport) do
          Hearsay.connect(address: "127.0.0.1:#{silent.addr[1]}", transport: transport, tls: tls, connect_timeout_s: 1)
        end
        assert_operator Time.now - started, :<, 3, "#{transport} tls=#{!tls.nil?} must honour connect_timeout_s"
      end
    end
  ensure
    silent&.close
  end
end

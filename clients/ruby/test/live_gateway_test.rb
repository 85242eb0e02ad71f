# frozen_string_literal: true

require "test_helper"
require "socket"
require "support/gateway_process"

# Against a real gateway process (node bin/hearsay.js agent) that this test
# run starts itself. At this stage the gateway answers Info for real and
# UNIMPLEMENTED for every other operation.
class LiveGatewayTest < Minitest::Test
  def gateway
    GatewayProcess.shared
  end

  def address(transport)
    transport == :grpc ? gateway.grpc : gateway.thrift
  end

  def test_info_over_grpc_and_thrift
    %i[grpc thrift].each do |transport|
      Hearsay.connect(address: address(transport), transport: transport) do |client|
        info = client.info
        assert_equal gateway.node_name, info.node_name, transport
        assert_equal 1, info.api_version
        assert_equal "default", info.overlay
        refute_empty info.version
        assert_operator info.limits.max_digest_bytes, :>, 0
        assert info.feature?(:info)
      end
    end
  end

  def test_unknown_overlay_is_not_found_on_both_transports
    %i[grpc thrift].each do |transport|
      Hearsay.connect(address: address(transport), transport: transport) do |client|
        err = assert_raises(Hearsay::NotFound, transport) { client.info(overlay: "no-such-overlay") }
        assert_equal 5, err.code
        assert_includes err.message, "no-such-overlay"
      end
    end
  end

  # The SDK offers no operation beyond info yet, so the unimplemented call goes
  # through the transports' own call paths, which every later operation uses.
  def test_unimplemented_rpc_over_grpc
    t = Hearsay::GrpcTransport.new(address: gateway.grpc, token: nil, tls: nil, call_timeout_s: 5)
    err = assert_raises(Hearsay::Unimplemented) { t.call(:list_services, Hearsay::V1::ListServicesRequest.new) }
    assert_equal 12, err.code
    assert_match(/ListServices/, err.message)
  ensure
    t&.close
  end

  def test_unimplemented_rpc_over_thrift
    t = Hearsay::ThriftTransport.new(address: gateway.thrift, token: nil, tls: nil,
                                     call_timeout_s: 5, connect_timeout_s: 5)
    err = assert_raises(Hearsay::Unimplemented) do
      t.call { |c, token| c.listServices(token, Hearsay::ThriftApi::ListServicesRequest.new) }
    end
    assert_equal 12, err.code
    assert_match(/ListServices/, err.message)
    # The connection stays usable after a gateway error.
    assert_equal gateway.node_name, t.info("").node_name
  ensure
    t&.close
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
      started = Time.now
      assert_raises(Hearsay::Unavailable, transport) do
        Hearsay.connect(address: "127.0.0.1:#{silent.addr[1]}", transport: transport, connect_timeout_s: 1)
      end
      assert_operator Time.now - started, :<, 3, "#{transport} must honour connect_timeout_s"
    end
  ensure
    silent&.close
  end
end

# The sample client, run as a user would, against the same gateway.
class SampleClientTest < Minitest::Test
  def test_hello_sample_reports_both_transports
    gw = GatewayProcess.shared
    script = File.expand_path("../examples/hello.rb", __dir__)
    out = IO.popen(["ruby", script, gw.grpc, gw.thrift], err: %i[child out], &:read)
    assert $?.success?, out
    assert_includes out, "asked gateway #{gw.grpc} (gRPC) who it is -> node #{gw.node_name}"
    assert_includes out, "asked gateway #{gw.thrift} (Thrift) who it is -> node #{gw.node_name}"
    assert_match(/come with the Ruby SDK issue/, out)
  end
end

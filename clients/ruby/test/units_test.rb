# frozen_string_literal: true

require "test_helper"

# Small pieces: addresses, TLS options, argument checks.
class UnitsTest < Minitest::Test
  def test_address_split
    assert_equal ["127.0.0.1", 5001], Hearsay::Address.split("127.0.0.1:5001")
    assert_equal ["::1", 7], Hearsay::Address.split("[::1]:7")
    assert_equal ["gw.local", 80], Hearsay::Address.split("gw.local:80")
    %w[gw.local 127.0.0.1:0 :80 1.2.3.4:99999 ::1:80].each do |bad|
      assert_raises(ArgumentError, bad) { Hearsay::Address.split(bad) }
    end
  end

  def test_tls_from_option
    assert_nil Hearsay::TLS.from(nil)
    assert_nil Hearsay::TLS.from(false)
    assert_equal Hearsay::TLS.new, Hearsay::TLS.from(true)
    tls = Hearsay::TLS.from(ca_file: "/ca.pem", server_name: "gw")
    assert_equal "/ca.pem", tls.ca_file
    assert_equal({ "grpc.ssl_target_name_override" => "gw" }, tls.grpc_channel_args)
    assert_raises(ArgumentError) { Hearsay::TLS.from("yes") }
    assert_raises(ArgumentError) { Hearsay::TLS.from(ca: "/x") }
  end

  def test_tls_system_roots_credentials
    assert_kind_of GRPC::Core::ChannelCredentials, Hearsay::TLS.new.grpc_credentials
    assert_equal OpenSSL::SSL::VERIFY_PEER, Hearsay::TLS.new.ssl_context.verify_mode
  end

  def test_unknown_transport
    err = assert_raises(ArgumentError) { Hearsay.connect(address: "127.0.0.1:1", transport: :http) }
    assert_match(/grpc.*thrift/, err.message)
  end

  def test_keepalive_channel_args
    args = Hearsay::GrpcTransport::KEEPALIVE_ARGS
    assert_operator args["grpc.keepalive_time_ms"], :>, 0
    assert_equal 1, args["grpc.keepalive_permit_without_calls"]
    assert_equal 0, args["grpc.http2.max_pings_without_data"]
  end
end

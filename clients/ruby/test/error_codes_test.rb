# frozen_string_literal: true

require "test_helper"
require "support/gateway_process"
require "support/fixtures"
require "support/tcp_proxy"

# Every shared error code reaches the application as its own class, with the
# same code and the gateway's message, whichever transport the call took.
# Each failure the real gateway can produce is provoked for real here (token
# failures in security_test.rb); the mapping of every code, including those
# no gateway operation answers today (ALREADY_EXISTS), is checked on each
# transport's own error path.
class ErrorCodesTest < Minitest::Test
  TRANSPORTS = %i[grpc thrift].freeze

  def gateway
    GatewayProcess.shared
  end

  def address(transport)
    transport == :grpc ? gateway.grpc : gateway.thrift
  end

  def each_client(**opts)
    TRANSPORTS.each do |transport|
      Hearsay.connect(address: address(transport), transport: transport, **opts) do |c|
        c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
        yield c, transport
      end
    end
  end

  def test_every_shared_code_maps_to_its_class_on_both_error_paths
    grpc = Hearsay::GrpcTransport.new(address: gateway.grpc, token: nil, tls: nil, call_timeout_s: 5)
    thrift = Hearsay::ThriftTransport.new(address: gateway.thrift, token: nil, tls: nil, call_timeout_s: 5,
                                          connect_timeout_s: 5)
    Hearsay::ERROR_CLASSES.merge(2 => Hearsay::Error).each do |code, klass|
      from_grpc = grpc.error_of(GRPC::BadStatus.new_status_exception(code, "failure #{code}"))
      from_thrift = assert_raises(Hearsay::Error) do
        thrift.call { raise Hearsay::ThriftApi::HearsayError.new(code: code, message: "failure #{code}") }
      end
      [from_grpc, from_thrift].each do |err|
        assert_instance_of klass, err, "code #{code}"
        assert_equal code, err.code
        assert_equal "failure #{code}", err.message
      end
    end
    assert_equal gateway.name, thrift.info("").node_name, "the connection survives gateway errors"
  ensure
    grpc&.close
    thrift&.close
  end

  def test_invalid_argument_for_an_undecodable_payload
    each_client do |c, transport|
      err = assert_raises(Hearsay::InvalidArgument, transport) { c.publish("\xff\xff\xff".b, type: "demo.Greeting") }
      assert_equal 3, err.code
      assert_equal "INVALID_ARGUMENT", err.code_name
      assert_match(/payload/, err.message)
      assert_raises(Hearsay::InvalidArgument, transport) do
        c.publish({ "text" => 5, "bogus" => true }, type: "demo.Greeting")
      end
    end
  end

  def test_not_found_for_unknown_types_and_overlays
    each_client do |c, transport|
      err = assert_raises(Hearsay::NotFound, transport) { c.publish("".b, type: "sdk.Missing") }
      assert_match(/"sdk.Missing" is not registered/, err.message)
      assert_raises(Hearsay::NotFound, transport) { c.get_type("sdk.Missing") }
      assert_raises(Hearsay::NotFound, transport) { c.info(overlay: "no-such-overlay") }
      sub = c.subscribe(Demo::Greeting, "sdk.Missing")
      err = assert_raises(Hearsay::NotFound, transport) { sub.wait_started(timeout_s: 10) }
      assert_match(/sdk\.Missing/, err.message)
      assert_raises(Hearsay::NotFound, transport) { sub.receive(timeout_s: 5) }
      assert sub.closed?
    end
  end

  def test_failed_precondition_for_an_incompatible_schema
    each_client do |c, transport|
      text = File.read(Fixtures::GREETING_PROTO).sub("string text = 1;", "int64 text = 1;")
      err = assert_raises(Hearsay::FailedPrecondition, transport) do
        c.register_type_from_source("demo.Greeting", { "greeting.proto" => text }, format: :proto)
      end
      assert_equal 9, err.code
      assert_match(/text/, err.message)
    end
  end

  def test_resource_exhausted_over_limits
    each_client do |c, transport|
      limit = c.info.limits.max_digest_bytes
      c.register_type_from_source("errors.Blob", 'syntax = "proto3"; package errors; message Blob { bytes b = 1; }',
                                  format: :proto, skip_payload_validation: true)
      err = assert_raises(Hearsay::ResourceExhausted, transport) { c.publish("x" * (limit + 1), type: "errors.Blob") }
      assert_equal 8, err.code
      many = (1..c.info.limits.max_types_per_subscription + 1).map { |i| "errors.T#{i}" }
      sub = c.subscribe(*many)
      assert_raises(Hearsay::ResourceExhausted, transport) { sub.wait_started(timeout_s: 10) }
    end
  end

  def test_deadline_exceeded_when_a_call_outlives_its_deadline
    each_client { nil } # registers demo.Greeting
    TRANSPORTS.each do |transport|
      # The handshake has its own (connect) timeout; calls after it get 1 ms.
      Hearsay.connect(address: address(transport), transport: transport, call_timeout_s: 0.001) do |c|
        many = Array.new(1_000) { Demo::Greeting.new(text: "slow" * 50) }
        err = assert_raises(Hearsay::DeadlineExceeded, transport) { c.publish_batch(many) }
        assert_equal 4, err.code
      end
    end
  end

  def test_unavailable_when_the_gateway_is_gone
    gw = GatewayProcess.start("ruby-gone-#{Process.pid}")
    TRANSPORTS.each do |transport|
      c = Hearsay.connect(address: transport == :grpc ? gw.grpc : gw.thrift, transport: transport)
      gw.stop if gw.running?
      err = assert_raises(Hearsay::Unavailable, transport) { c.info(timeout_s: 3) }
      assert_equal 14, err.code
      assert err.retryable?
      c.close
      gw.start(at: gw) if transport == :grpc
    end
  ensure
    gw&.stop
  end

  def test_unimplemented_for_an_operation_the_gateway_lacks
    stub = GRPC::ClientStub.new(gateway.grpc, :this_channel_is_insecure)
    raw = ->(x) { x }
    grpc = Hearsay::GrpcTransport.new(address: gateway.grpc, token: nil, tls: nil, call_timeout_s: 5)
    err = begin
      stub.request_response("/hearsay.v1.Gateway/NoSuchOperation", "".b, raw, raw, deadline: Time.now + 5)
      flunk "the gateway answered an unknown method"
    rescue GRPC::BadStatus => e
      grpc.error_of(e)
    end
    assert_instance_of Hearsay::Unimplemented, err
    assert_match(/NoSuchOperation/, err.message)

    thrift = Hearsay::ThriftTransport.new(address: gateway.thrift, token: nil, tls: nil, call_timeout_s: 5,
                                          connect_timeout_s: 5)
    api = Hearsay::ThriftApi::Gateway
    err = assert_raises(Hearsay::Unimplemented) do
      thrift.call do |client, token|
        client.send(:send_message, "noSuchOperation", api::Info_args, token: token, overlay: "")
        client.send(:receive_message, api::Info_result)
      end
    end
    assert_match(/noSuchOperation/, err.message)
  ensure
    grpc&.close
    thrift&.close
  end

  def test_internal_when_the_gateway_cannot_read_a_request
    stub = GRPC::ClientStub.new(gateway.grpc, :this_channel_is_insecure)
    raw = ->(x) { x }
    grpc = Hearsay::GrpcTransport.new(address: gateway.grpc, token: nil, tls: nil, call_timeout_s: 5)
    err = begin
      stub.request_response("/hearsay.v1.Gateway/Info", "\xff\xff\xff".b, raw, raw, deadline: Time.now + 5)
      flunk "the gateway accepted a malformed request"
    rescue GRPC::BadStatus => e
      grpc.error_of(e)
    end
    assert_instance_of Hearsay::Internal, err
    assert_equal 13, err.code
  ensure
    grpc&.close
  end

  def test_cancelled_for_work_the_client_gave_up
    each_client do |c, transport|
      pub = c.publisher(linger_ms: 60_000, max_batch: 1_000)
      pending = pub.publish(Demo::Greeting.new(text: "never sent"))
      pub.abort
      err = assert_raises(Hearsay::Cancelled, transport) { pending.result(timeout_s: 5) }
      assert_equal 1, err.code
      assert_equal false, pending.published
    end
    TRANSPORTS.each do |transport|
      proxy = TcpProxy.new(address(transport))
      Hearsay.connect(address: proxy.address, transport: transport) do |c|
        proxy.cut(block: true) # the subscription cannot start
        sub = c.subscribe(Demo::Greeting)
        sub.close
        assert_raises(Hearsay::Cancelled, transport) { sub.wait_started(timeout_s: 5) }
      end
    ensure
      proxy&.close
    end
  end

  def test_failed_precondition_for_a_closed_client
    c = Hearsay.connect(address: gateway.grpc)
    c.close
    err = assert_raises(Hearsay::FailedPrecondition) { c.publish("x", type: "demo.Greeting") }
    assert_equal 9, err.code
  end
end

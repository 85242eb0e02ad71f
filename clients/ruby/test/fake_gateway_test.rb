# frozen_string_literal: true

require "test_helper"
require "support/fake_gateway"

# Every shared error code maps to the same class over gRPC and Thrift; token,
# handshake and close behave alike. Against the in-process FakeGateway.
class FakeGatewayTest < Minitest::Test
  def self.fake
    @fake ||= FakeGateway.new.start.tap { |f| Minitest.after_run { f.stop } }
  end

  def each_transport
    { grpc: self.class.fake.grpc, thrift: self.class.fake.thrift }.each do |transport, address|
      Hearsay.connect(address: address, transport: transport, token: "t0k") { |c| yield c, transport }
    end
  end

  def test_every_code_raises_its_class_on_both_transports
    each_transport do |client, transport|
      Hearsay::ERROR_CLASSES.each do |code, klass|
        err = assert_raises(klass, "#{transport} code #{code}") { client.info(overlay: "code-#{code}") }
        assert_equal code, err.code
        assert_equal "fake failure #{code}", err.message
      end
    end
  end

  def test_token_reaches_the_gateway_on_both_transports
    each_transport do |client, transport|
      assert_equal "t0k", client.info(overlay: "whoami").node_name, transport
    end
  end

  def test_info_is_the_same_value_on_both_transports
    infos = []
    each_transport { |client, _| infos << client.info }
    assert_equal infos[0], infos[1]
    assert_equal 32, infos[0].limits.max_headers
    assert infos[0].feature?(:info)
  end

  def test_handshake_refuses_another_api_major_version
    { grpc: self.class.fake.grpc, thrift: self.class.fake.thrift }.each do |transport, address|
      err = assert_raises(Hearsay::FailedPrecondition) do
        Hearsay.connect(address: address, transport: transport, overlay: "v2")
      end
      assert_match(/v2.*v1/, err.message)
    end
  end

  def test_block_form_closes_and_returns_block_value
    each_transport do |_, transport|
      client = nil
      value = Hearsay.connect(address: self.class.fake.public_send(transport), transport: transport) do |c|
        client = c
        :done
      end
      assert_equal :done, value
      assert client.closed?
      assert_raises(Hearsay::FailedPrecondition) { client.info }
    end
  end

  def test_without_block_returns_open_client
    client = Hearsay.connect(address: self.class.fake.thrift, transport: :thrift)
    refute client.closed?
    assert_equal "fake", client.info.node_name
  ensure
    client&.close
    client&.close # twice is harmless
  end
end

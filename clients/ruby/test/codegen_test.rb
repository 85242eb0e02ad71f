# frozen_string_literal: true

require "test_helper"
require "support/schema"

# The generated stubs are present, fresh and complete. A failure here means:
# run scripts/gen/ruby.sh (or `make gen`).
class CodegenTest < Minitest::Test
  def test_stamp_matches_current_schemas
    stamp = Hearsay::Generated.stamp
    refute_nil stamp, "missing #{Hearsay::Generated::STAMP}: run scripts/gen/ruby.sh"
    assert_equal Schema.fingerprint, stamp,
                 "generated Ruby stubs are stale (schemas changed since generation): run scripts/gen/ruby.sh"
  end

  def test_fingerprint_matches_node_script
    node = IO.popen(["node", File.join(TestPaths::REPO_ROOT, "scripts/schema-hash.mjs")], &:read).strip
    assert $?.success?, "node scripts/schema-hash.mjs failed (the gateway tests need node too)"
    assert_equal node, Schema.fingerprint
  end

  def test_grpc_stub_has_every_rpc_of_gateway_proto
    rpcs = Schema.proto_rpcs
    assert_operator rpcs.size, :>=, 1
    generated = Hearsay::V1::Gateway::Service.rpc_descs.keys.map(&:to_s)
    assert_equal [], rpcs - generated, "rpcs missing from the generated gRPC service"
    stub_methods = Hearsay::V1::Gateway::Stub.instance_methods
    rpcs.each do |rpc|
      snake = rpc.gsub(/(?<!^)([A-Z])/, '_\1').downcase.to_sym
      assert_includes stub_methods, snake, "stub method #{snake} for rpc #{rpc}"
    end
  end

  def test_thrift_client_has_every_method_of_gateway_service
    methods = Schema.thrift_methods
    assert_operator methods.size, :>=, 1
    client = Hearsay::ThriftApi::Gateway::Client.instance_methods.map(&:to_s)
    processor = Hearsay::ThriftApi::Gateway::Processor.instance_methods.map(&:to_s)
    assert_equal [], methods - client, "methods missing from the generated Thrift client"
    assert_equal [], methods.map { |m| "process_#{m}" } - processor, "missing from the Thrift processor"
  end

  def test_schema_parsers_see_both_services_alike
    # Thrift adds publishBatch/poll*/unsubscribe for lack of streams; every
    # gRPC rpc has a Thrift method of the same name in lowerCamelCase.
    thrift = Schema.thrift_methods
    Schema.proto_rpcs.each do |rpc|
      camel = rpc[0].downcase + rpc[1..]
      next if %w[publishStream].include?(camel) # Thrift: publishBatch

      assert_includes thrift, camel
    end
  end
end

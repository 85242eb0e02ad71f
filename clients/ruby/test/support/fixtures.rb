# frozen_string_literal: true

require "tmpdir"
require "fileutils"

# Message classes for the tests, generated at test time by the same compilers
# scripts/gen/ruby.sh uses (never written by hand), into a temporary
# directory removed when the run ends:
#   Demo::Greeting      test/fixtures/greeting.proto (shared with the gateway tests)
#   Sdk::Event          clients/ruby/test/fixtures/sdk/event.proto (+ sdk/common.proto)
#   SdkShapes::Shape    clients/ruby/test/fixtures/sdk/shapes.thrift
#   Reading             test/fixtures/reading.thrift (no namespace: top level)
module Fixtures
  REPO_FIXTURES = File.join(TestPaths::REPO_ROOT, "test", "fixtures")
  SDK_FIXTURES = File.expand_path("../fixtures", __dir__)
  GREETING_PROTO = File.join(REPO_FIXTURES, "greeting.proto")
  READING_THRIFT = File.join(REPO_FIXTURES, "reading.thrift")
  EVENT_PROTO = File.join(SDK_FIXTURES, "sdk", "event.proto")
  SHAPES_THRIFT = File.join(SDK_FIXTURES, "sdk", "shapes.thrift")

  def self.load!
    return if @loaded

    dir = Dir.mktmpdir("hearsay-ruby-test")
    Minitest.after_run { FileUtils.rm_rf(dir) }
    run("grpc_tools_ruby_protoc", "-I#{REPO_FIXTURES}", "--ruby_out=#{dir}", GREETING_PROTO)
    run("grpc_tools_ruby_protoc", "-I#{SDK_FIXTURES}", "--ruby_out=#{dir}", EVENT_PROTO,
        File.join(SDK_FIXTURES, "sdk", "common.proto"))
    run("thrift", "--gen", "rb:namespaced", "-out", dir, SHAPES_THRIFT)
    run("thrift", "--gen", "rb", "-out", dir, READING_THRIFT)
    $LOAD_PATH.unshift(dir)
    require "greeting_pb"
    require "sdk/event_pb"
    require "sdk_shapes/shapes_types"
    require "reading_types"
    @loaded = true
  end

  def self.run(*cmd)
    out = IO.popen(cmd, err: %i[child out], &:read)
    raise "#{cmd.join(' ')} failed:\n#{out}" unless $?.success?
  end
end

Fixtures.load!

# frozen_string_literal: true

require "test_helper"
require "support/gateway_process"
require "support/fixtures"

# Bad arguments raise ArgumentError naming the argument, before anything is
# sent, on both transports.
class HostileInputTest < Minitest::Test
  def each_client
    gw = GatewayProcess.shared
    { grpc: gw.grpc, thrift: gw.thrift }.each do |transport, address|
      Hearsay.connect(address: address, transport: transport) { |c| yield c, transport }
    end
  end

  def assert_names(argument, &block)
    err = assert_raises(ArgumentError, &block)
    assert_match(/\A#{Regexp.escape(argument)}/, err.message)
  end

  def test_connect_arguments
    assert_names("address") { Hearsay.connect(address: nil) }
    assert_names("address") { Hearsay.connect(address: 5001) }
    assert_names("address") { Hearsay.connect(address: "no-port") }
    assert_names("transport") { Hearsay.connect(address: "127.0.0.1:1", transport: :http) }
    assert_names("transport") { Hearsay.connect(address: "127.0.0.1:1", transport: 3) }
    assert_names("token") { Hearsay.connect(address: "127.0.0.1:1", token: 123) }
    assert_names("tls") { Hearsay.connect(address: "127.0.0.1:1", tls: "yes") }
    assert_names("overlay") { Hearsay.connect(address: "127.0.0.1:1", overlay: nil) }
    assert_names("call_timeout_s") { Hearsay.connect(address: "127.0.0.1:1", call_timeout_s: 0) }
    assert_names("connect_timeout_s") { Hearsay.connect(address: "127.0.0.1:1", connect_timeout_s: "5") }
  end

  def test_register_arguments
    each_client do |c, _|
      assert_names("type") { c.register_type(String) }
      assert_names("type") { c.register_type("demo.Greeting") }
      assert_names("name") { c.register_type(Demo::Greeting, name: "other.Name") }
      assert_names("descriptor_set") { c.register_type(Demo::Greeting, descriptor_set: 42) }
      assert_names("path") { c.register_type_from_file(:x, "demo.Greeting") }
      assert_names("path") { c.register_type_from_file("/no/such/file.proto", "demo.Greeting") }
      assert_names("format") { c.register_type_from_file(__FILE__, "demo.Greeting") }
      assert_names("format") { c.register_type_from_file(__FILE__, "demo.Greeting", format: :avro) }
      assert_names("path") do
        c.register_type_from_file(Fixtures::EVENT_PROTO, "sdk.Event") # its import is not under the file's dir
      end
      assert_names("name") { c.register_type_from_file(Fixtures::GREETING_PROTO, "") }
      assert_names("format") { c.register_type_from_source("a.B", "message B {}", format: "proto") }
      assert_names("files") { c.register_type_from_source("a.B", 42, format: :proto) }
      assert_names("description") { c.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting", description: 1) }
      assert_names("name") { c.get_type(nil) }
      assert_names("prefix") { c.list_types(5) }
    end
  end

  def test_publish_arguments
    each_client do |c, _|
      assert_names("message") { c.publish(nil) }
      assert_names("type") { c.publish("bytes") }
      assert_names("type") { c.publish({ "text" => "x" }) }
      assert_names("type") { c.publish("bytes", type: "") }
      assert_names("message") { c.publish(42) }
      assert_names("message") { c.publish(Object.new) }
      assert_names("type") { c.publish("x", type: Object) }
      assert_names("message") { c.publish(Reading.new(sensor: "s")) } # a Thrift class not registered here
      assert_names("headers") { c.publish("x", type: "demo.Greeting", headers: "a=b") }
      assert_names("headers") { c.publish("x", type: "demo.Greeting", headers: { "a" => 1 }) }
      assert_names("message") { c.publish(Demo::Greeting.new(text: "x"), type: Sdk::Event) }
      assert_names("messages") { c.publish_batch("x") }
      assert_names("messages[1]") { c.publish_batch([Demo::Greeting.new, nil]) }
      assert_names("max_batch") { c.publisher(max_batch: 0) }
      assert_names("linger_ms") { c.publisher(linger_ms: -1) }
      assert_names("max_pending") { c.publisher(max_pending: 1.5) }
      c.publisher { |p| assert_names("message") { p.publish(nil) } }
    end
  end

  def test_subscribe_and_watch_arguments
    each_client do |c, _|
      assert_names("types") { c.subscribe }
      assert_names("types") { c.subscribe([]) }
      assert_names("types[0]") { c.subscribe("") }
      assert_names("types[1]") { c.subscribe("a.B", 42) }
      assert_names("start") { c.subscribe("a.B", start: :newest) }
      assert_names("resume_from") { c.subscribe("a.B", resume_from: 42) }
      assert_names("cursor") { c.subscribe("a.B", resume_from: "not json") }
      assert_names("keepalive_s") { c.subscribe("a.B", keepalive_s: 0) }
      assert_names("max_queued") { c.subscribe("a.B", max_queued: 0) }
      assert_names("max_batch_digests") { c.subscribe("a.B", max_batch_digests: -1) }
      assert_names("reconnect") { c.subscribe("a.B", reconnect: "always") }
      assert_names("tags") { c.watch_members(tags: []) }
      assert_names("name") { c.watch_services(5) }
    end
  end

  def test_directory_arguments
    each_client do |c, _|
      assert_names("statuses") { c.members(statuses: :alive) }
      assert_names("statuses") { c.members(statuses: [:sleeping]) }
      assert_names("tags") { c.members(tags: { "a" => nil }) }
      assert_names("name") { c.register_service(nil, port: 1) }
      assert_names("port") { c.register_service("s", port: 0) }
      assert_names("port") { c.register_service("s", port: "80") }
      assert_names("ttl_s") { c.register_service("s", port: 80, ttl_s: -1) }
      assert_names("id") { c.register_service("s", port: 80, id: nil) }
      assert_names("id") { c.deregister_service("s", "") }
      assert_names("name") { c.services(5) }
    end
  end
end

# frozen_string_literal: true

require "test_helper"
require "json"
require "securerandom"
require "support/gateway_process"

# The sample client and the interop script, run as a user (or the
# cross-language test) runs them, against a real gateway.
class SamplesTest < Minitest::Test
  EXAMPLES = File.expand_path("../examples", __dir__)
  INTEROP = File.join(EXAMPLES, "interop.rb")

  def gateway
    GatewayProcess.shared
  end

  # Another language's sample ran before: the Ruby sample prints what it published.
  def publish_as_python_sample(gw, text)
    Hearsay.connect(address: gw.grpc) do |c|
      c.register_type_from_file(File.join(TestPaths::REPO_ROOT, "clients/python/examples/hello.proto"),
                                "samples.python.Hello")
      c.publish({ "text" => text, "n" => 1 }, type: "samples.python.Hello")
    end
  end

  def test_hello_sample_talks_over_both_transports
    gw = gateway
    earlier = "from the python sample, earlier #{SecureRandom.hex(4)}"
    published = publish_as_python_sample(gw, earlier)
    out = IO.popen(["ruby", File.join(EXAMPLES, "hello.rb"), gw.grpc, gw.thrift], err: %i[child out], &:read)
    assert $?.success?, out
    assert_includes out, "asked gateway #{gw.grpc} (gRPC) who it is -> node #{gw.name}"
    assert_includes out, "asked gateway #{gw.thrift} (Thrift) who it is -> node #{gw.name}"
    assert_match(/registered samples\.ruby\.Hello v\d+/, out)
    assert_equal 5, out.scan(/received #{Regexp.escape(gw.name)}:\d+:\d+ from #{Regexp.escape(gw.name)}: hello/).size
    # The earlier digest, once, read from the earliest retained one until caught up.
    mine = out.lines.grep(/received from python at #{Regexp.escape(gw.name)}: .*#{earlier}/)
    assert_equal 1, mine.size, out
    assert_includes mine.first, "(#{published.id})"
    assert_match(/caught up: \d+ digest\(s\) of the other languages' samples \(.*python \d+/, out)
    assert_match(/members \(watch_members, current\): .*#{Regexp.escape(gw.name)}/, out)
  end

  # Starts `interop.rb subscribe`, waits for its ready line; returns [io, lines].
  def start_subscriber(transport, run, count, timeout_ms: 20_000)
    address = transport == "grpc" ? gateway.grpc : gateway.thrift
    io = IO.popen(["ruby", INTEROP, "subscribe", "--agent", address, "--transport", transport, "--run", run,
                   "--count", count.to_s, "--timeout-ms", timeout_ms.to_s], err: %i[child out])
    lines = []
    wait_until(20, "the subscriber's ready line") do
      line = IO.select([io], nil, nil, 0.5) && io.gets
      raise "subscriber exited early: #{lines.join}" if line.nil? && io.eof?

      lines << line if line
      line&.include?('"event":"ready"')
    end
    [io, lines]
  end

  def test_interop_script_publishes_and_receives_its_own_records
    [%w[grpc grpc], %w[thrift thrift], %w[grpc thrift]].each do |pub_transport, sub_transport|
      run = "ruby-self-#{SecureRandom.hex(4)}"
      io, = start_subscriber(sub_transport, run, 3)
      address = pub_transport == "grpc" ? gateway.grpc : gateway.thrift
      pub = IO.popen(["ruby", INTEROP, "publish", "--agent", address, "--transport", pub_transport, "--run", run,
                      "--count", "3"], err: %i[child out], &:read)
      assert $?.success?, pub
      assert_equal({ "event" => "published", "count" => 3 }, JSON.parse(pub.lines.last))
      rest = io.read
      io.close
      assert $?.success?, rest
      events = rest.lines.map { |l| JSON.parse(l) }
      records = events.select { |e| e["event"] == "record" }
      assert_equal [0, 1, 2], records.map { |r| r["seq"] }, "#{pub_transport} -> #{sub_transport}"
      assert_equal({ "event" => "record", "language" => "ruby", "seq" => 1, "text" => "héllo ✓ 1", "value" => 0.5,
                     "blob_hex" => "0107ff", "attrs" => { "k" => "1" } }, records[1])
      assert_equal({ "event" => "done", "received" => 3 }, events.last)
    end
  end

  def test_interop_subscriber_times_out_with_exit_code_3
    io, = start_subscriber("grpc", "ruby-never-#{SecureRandom.hex(4)}", 1, timeout_ms: 1_500)
    rest = io.read
    io.close
    assert_equal 3, $?.exitstatus, rest
    assert_equal "timeout", JSON.parse(rest.lines.last)["event"]
  end

  def test_interop_script_rejects_bad_arguments
    out = IO.popen(["ruby", INTEROP, "publish", "--agent", gateway.grpc], err: %i[child out], &:read)
    assert_equal 2, $?.exitstatus
    assert_match(/--run is required/, out)
  end
end

# frozen_string_literal: true

require "test_helper"
require "set"
require "support/gateway_process"
require "support/fixtures"

# Register, publish and subscribe across three real gateways on loopback,
# over gRPC and Thrift: what one node's client publishes, clients of the
# others receive, decoded, in order, once.
class PubSubTest < Minitest::Test
  TRANSPORTS = %i[grpc thrift].freeze

  def cluster
    GatewayProcess.cluster
  end

  def connect(gw, transport, &block)
    Hearsay.connect(address: transport == :grpc ? gw.grpc : gw.thrift, transport: transport, &block)
  end

  # Clients of gateways 1 and 2 over `transport`, Demo::Greeting registered and known at both.
  def pair(transport)
    connect(cluster[0], transport) do |a|
      connect(cluster[1], transport) do |b|
        a.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
        wait_until(10, "demo.Greeting known at #{cluster[1].name}") { b.list_types("demo.Greeting").any? }
        yield a, b
      end
    end
  end

  def greeting(text, n = 0)
    Demo::Greeting.new(text: "#{tag} #{text}", sent_at_ms: n, tags: ["t#{n}"])
  end

  # Texts of this test's greetings: a "latest" subscription may also get
  # digests published up to 1 s before it started, by earlier tests.
  def tag
    @tag ||= "#{name}-#{rand(1 << 30)}"
  end

  def texts(deliveries)
    deliveries.map { |d| d.message.text.delete_prefix("#{tag} ") }
  end

  def mine
    ->(d) { d.gap? || d.message.nil? || d.message.text.start_with?("#{tag} ") }
  end

  def test_publish_on_one_node_subscribe_on_another_over_both_transports
    TRANSPORTS.each do |transport|
      pair(transport) do |a, b|
        sub = b.subscribe(Demo::Greeting)
        id = sub.wait_started(timeout_s: 10)
        refute_empty id
        results = (1..5).map { |i| a.publish(greeting("#{transport} #{i}", i), headers: { "n" => i.to_s }) }
        got = take(sub, 5, timeout_s: 15, &mine)
        sub.close
        assert_equal (1..5).map { |i| "#{transport} #{i}" }, texts(got), transport
        assert(got.all?(&:digest?))
        assert_equal results.map(&:id), got.map(&:id)
        assert_equal [cluster[0].name], got.map(&:origin).uniq
        assert_equal results.map(&:sequence), got.map(&:sequence)
        assert_equal got.map(&:sequence), got.map(&:sequence).sort
        d = got.last
        assert_equal "demo.Greeting", d.type
        assert_equal({ "n" => "5" }, d.headers)
        assert_equal Demo::Greeting.encode(greeting("#{transport} 5", 5)), d.payload
        assert_equal Encoding::BINARY, d.payload.encoding
        assert_in_delta Time.now.to_f, d.publish_time.to_f, 30
        assert_equal results.last.publish_time_ms, d.publish_time_ms
        # Cursors speak (epoch, stream sequence); stream sequences are gapless per (origin, epoch, type).
        assert_operator d.epoch, :>, 0
        position = d.cursor.position(cluster[0].name, "demo.Greeting")
        assert_equal [d.epoch, d.stream_sequence], [position.epoch, position.sequence]
        assert_equal [d.epoch], got.map(&:epoch).uniq
        assert_equal (0..4).map { |i| got[0].stream_sequence + i }, got.map(&:stream_sequence)
        assert_equal "#{d.origin}:#{d.epoch}:#{d.sequence}", d.id
        assert_equal d.cursor, sub.cursor
      end
    end
  end

  def test_publish_result_is_the_digest_id
    pair(:grpc) do |a, _|
      r = a.publish(greeting("id"))
      assert_match(/\A#{Regexp.escape(cluster[0].name)}:\d+:\d+\z/, r.id)
      assert_equal r.id, r.to_s
      assert r.id.end_with?(":#{r.sequence}")
    end
  end

  def test_batches_raw_bytes_json_and_the_publisher
    TRANSPORTS.each do |transport|
      pair(transport) do |a, b|
        sub = b.subscribe("demo.Greeting", Demo::Greeting, include_json: true)
        sub.wait_started(timeout_s: 10)
        batch = a.publish_batch((1..3).map { |i| greeting("batch #{i}", i) })
        assert_equal 3, batch.size
        assert_equal batch.map(&:sequence), (batch[0].sequence..batch[0].sequence + 2).to_a
        a.publish(Demo::Greeting.encode(greeting("raw")), type: "demo.Greeting")
        a.publish({ "text" => "#{tag} json", "sentAtMs" => "7" }, type: "demo.Greeting")
        pendings = nil
        a.publisher(max_batch: 4, linger_ms: 2) do |pub|
          pendings = (1..10).map { |i| pub.publish(greeting("pub #{i}", i)) }
        end
        assert(pendings.all?(&:done?))
        assert_equal pendings.map { |p| p.result.sequence }, pendings.map { |p| p.result.sequence }.sort
        got = take(sub, 15, timeout_s: 20, &mine)
        sub.close
        assert_equal ["batch 1", "batch 2", "batch 3", "raw", "json", *(1..10).map { |i| "pub #{i}" }], texts(got)
        json = got.find { |d| d.message.text == "#{tag} json" }
        assert_equal 7, json.message.sent_at_ms
        assert_includes json.json, "\"text\":\"#{tag} json\""
      end
    end
  end

  def test_enumerator_and_block_forms
    pair(:thrift) do |a, b|
      sub = b.subscribe(Demo::Greeting)
      sub.wait_started(timeout_s: 10)
      3.times { |i| a.publish(greeting("enum #{i}")) }
      enum = sub.each
      assert_kind_of Enumerator, enum
      first = enum.next
      first = enum.next until mine.call(first)
      assert_equal "#{tag} enum 0", first.message.text
      assert_equal ["enum 1", "enum 2"], texts(sub.lazy.select(&mine).first(2))
      assert sub.closed?, "leaving an iteration early closes the subscription"
      assert_nil sub.receive(timeout_s: 0.1)

      seen = []
      publisher = Thread.new do
        sleep 0.5 # after the block form has subscribed (start: latest)
        3.times { |i| a.publish(greeting("block #{i}")) }
      end
      result = b.subscribe(Demo::Greeting) do |d|
        next unless mine.call(d)

        seen << d.message.text.delete_prefix("#{tag} ")
        break :enough if seen.size == 3
      end
      publisher.join(10)
      assert_equal :enough, result
      assert_equal ["block 0", "block 1", "block 2"], seen
    end
  end

  def test_resume_by_hand_from_a_saved_cursor_gets_what_was_missed_once
    TRANSPORTS.each do |transport|
      pair(transport) do |a, b|
        sub = b.subscribe(Demo::Greeting)
        sub.wait_started(timeout_s: 10)
        (1..3).each { |i| a.publish(greeting("first #{i}")) }
        first = take(sub, 3, timeout_s: 15, &mine)
        saved = sub.cursor.to_json
        sub.close
        (1..3).each { |i| a.publish(greeting("missed #{i}")) }
        again = b.subscribe(Demo::Greeting, resume_from: Hearsay::Cursor.from_json(saved))
        second = take(again, 4, timeout_s: 1.5) # a 4th would be a duplicate
        again.close
        assert_equal ["first 1", "first 2", "first 3"], texts(first)
        assert_equal ["missed 1", "missed 2", "missed 3"], texts(second), transport
        assert_equal first.last.sequence + 1, second.first.sequence
        assert_equal first.last.stream_sequence + 1, second.first.stream_sequence
        assert_equal first.last.epoch, second.first.epoch
      end
    end
  end

  def test_caught_up_follows_the_backlog_then_live
    TRANSPORTS.each do |transport|
      pair(transport) do |a, b|
        sent = (1..3).map { |i| a.publish(greeting("#{transport} backlog #{i}")) }
        # The backlog is retention at gateway 2: wait until the last one is there.
        wait_until(10, "#{sent.last.id} at #{cluster[1].name}") do
          probe = b.subscribe(Demo::Greeting, start: :earliest)
          found = take(probe, 1, timeout_s: 2) { |d| d.id == sent.last.id }
          probe.close
          found.any?
        end
        sub = b.subscribe(Demo::Greeting, start: :earliest, include_caught_up: true)
        backlog = []
        mark = nil
        deadline = Hearsay::Clock.monotonic + 20
        until mark
          d = sub.receive(timeout_s: [deadline - Hearsay::Clock.monotonic, 0.01].max)
          refute_nil d, "no caught-up marker (#{transport})"
          refute d.gap?, d.inspect
          d.caught_up? ? mark = d : backlog << d
        end
        assert sub.caught_up?
        assert_same mark, sub.wait_caught_up(timeout_s: 1)
        assert_equal :caught_up, mark.kind
        assert_equal backlog.size, mark.backlog_digests, transport
        assert_equal backlog.last.cursor, mark.cursor
        assert_equal sent.map(&:id), backlog.select { |d| d.message&.text&.start_with?("#{tag} #{transport} ") }.map(&:id)
        live = a.publish(greeting("live"))
        d = sub.receive(timeout_s: 15)
        sub.close
        assert_equal live.id, d&.id, transport
        assert_equal [backlog.last.epoch, backlog.last.stream_sequence + 1], [d.epoch, d.stream_sequence]
      end
    end
  end

  def test_wait_caught_up_without_the_item
    pair(:grpc) do |a, b|
      sub = b.subscribe(Demo::Greeting)
      mark = sub.wait_caught_up(timeout_s: 15)
      assert sub.caught_up?
      assert mark.caught_up?
      r = a.publish(greeting("after caught up"))
      d = take(sub, 1, timeout_s: 15, &mine).first
      sub.close
      assert_equal r.id, d&.id, "the marker is not delivered without include_caught_up"
    end
  end

  def test_earliest_replays_what_retention_holds
    pair(:grpc) do |a, b|
      r = a.publish(greeting("before"))
      wait_until(10, "#{r.id} at #{cluster[1].name}") do
        # Retention at gateway 2 holds it once pushed there.
        sub = b.subscribe(Demo::Greeting, start: :earliest)
        found = take(sub, 1, timeout_s: 2) { |d| d.id == r.id }
        sub.close
        found.any?
      end
    end
  end

  def test_types_by_name_carry_bytes_and_no_message
    pair(:grpc) do |a, b|
      sub = b.subscribe("demo.Greeting")
      sub.wait_started(timeout_s: 10)
      r = a.publish(greeting("by name"))
      d = take(sub, 1) { |x| x.gap? || x.id == r.id }.first
      sub.close
      assert_nil d.message
      assert_nil d.decode_error
      assert_equal "#{tag} by name", Demo::Greeting.decode(d.payload).text
    end
  end

  def test_thrift_structs_register_from_class_or_file_and_round_trip
    TRANSPORTS.each do |transport|
      connect(cluster[0], transport) do |a|
        connect(cluster[2], transport) do |c|
          from_class = a.register_type(SdkShapes::Shape)
          assert_equal "SdkShapes.Shape", from_class.name
          assert_equal :thrift_idl, from_class.format
          reading = a.register_type_from_file(Fixtures::READING_THRIFT, "reading.Reading", thrift_class: Reading)
          # The IDL written from the class is the file's schema: same fingerprint.
          assert_equal reading.fingerprint, a.register_type(Reading).fingerprint
          wait_until(10, "thrift types at #{cluster[2].name}") { c.list_types("SdkShapes.").any? && c.list_types("reading.").any? }
          c.register_type(SdkShapes::Shape)
          c.register_type(Reading)
          sub = c.subscribe(SdkShapes::Shape, Reading)
          sub.wait_started(timeout_s: 10)
          shape = SdkShapes::Shape.new(name: "tri", points: [SdkShapes::Point.new(x: 1, y: 2)],
                                       groups: { "g" => Set[1, 2] }, color: SdkShapes::Color::GREEN,
                                       raw: "\x00\xff".b, label: SdkShapes::Label.number(42), area: 0.5)
          a.publish(shape)
          a.publish(Reading.new(sensor: "s1", value: 21.5, at_ms: 9))
          got = take(sub, 2, timeout_s: 15)
          sub.close
          # Order holds per origin within a type; types interleave as they arrive.
          assert_equal [shape, Reading.new(sensor: "s1", value: 21.5, at_ms: 9)],
                       got.sort_by(&:type).map(&:message), transport
        end
      end
    end
  end

  def test_rebuilt_protobuf_descriptor_matches_the_proto_files
    connect(cluster[0], :grpc) do |a|
      from_file = a.register_type_from_file(Fixtures::EVENT_PROTO, "sdk.Event",
                                            import_paths: [Fixtures::SDK_FIXTURES])
      from_class = a.register_type(Sdk::Event)
      assert_equal from_file.fingerprint, from_class.fingerprint
      assert_equal false, from_class.created
      assert_equal from_file.version, from_class.version
      event = Sdk::Event.new(level: :LEVEL_HIGH, what: "e", maybe: 0, things: { "k" => Sdk::Event::Inner.new(xs: [-1]) },
                             b: "\x01".b, big: 2**63, at: Google::Protobuf::Timestamp.new(seconds: 5))
      sub = a.subscribe(Sdk::Event, include_json: true)
      sub.wait_started(timeout_s: 10)
      a.publish(event)
      d = take(sub, 1).first
      sub.close
      assert_equal event, d.message
      assert_includes d.json, '"Biggie":"9223372036854775808"'
      assert_includes d.json, '"maybe":0'
    end
  end

  def test_registering_identically_again_is_not_created
    connect(cluster[1], :thrift) do |b|
      b.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
      again = b.register_type_from_file(Fixtures::GREETING_PROTO, "demo.Greeting")
      assert_equal false, again.created
      assert_equal "demo.Greeting", b.get_type("demo.Greeting").name
      assert_includes b.list_types.map(&:name), "demo.Greeting"
    end
  end
end

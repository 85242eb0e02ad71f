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

# Values and helpers that need no gateway: cursors, backoff, the mailbox,
# schemas rebuilt from generated classes.
class ValuesTest < Minitest::Test
  def test_cursor_json_round_trip_keeps_64_bit_sequences
    c = Hearsay::Cursor.new([{ origin: "n1", type: "a.B", sequence: 2**64 - 1 }, { "origin" => "n2", "type" => "a.B" }])
    json = c.to_json
    assert_equal '{"positions":[{"origin":"n1","type":"a.B","sequence":"18446744073709551615","epoch":"0"},' \
                 '{"origin":"n2","type":"a.B","sequence":"0","epoch":"0"}]}', json
    assert_equal c, Hearsay::Cursor.from_json(json)
    assert_equal 2**64 - 1, c.sequence("n1", "a.B")
    assert_nil c.sequence("n3", "a.B")
    assert c.frozen?
    assert_equal c, Hearsay::Cursor.from(json)
    assert_nil Hearsay::Cursor.from(nil)
  end

  def test_cursor_rejects_what_is_not_a_cursor
    ['{"x":1}', "[]", "nope", '{"positions":[{"origin":"n"}]}', '{"positions":[{"origin":"n","type":"t","sequence":"-1"}]}',
     '{"positions":[{"origin":"n","type":"t","sequence":1.5}]}'].each do |bad|
      err = assert_raises(ArgumentError, bad) { Hearsay::Cursor.from_json(bad) }
      assert_match(/cursor/, err.message)
    end
    assert_raises(ArgumentError) { Hearsay::Cursor.from(42) }
  end

  def test_cursor_state_moves_only_forward
    s = Hearsay::CursorState.new(Hearsay::Cursor.new([{ origin: "n", type: "t", sequence: 5 }]))
    refute s.advance("n", "t", 0, 3)
    assert_equal 5, s.at("n", "t").sequence
    assert s.advance("n", "t", 0, 9)
    s.advance("m", "t", 0, 1)
    assert_equal 9, s.snapshot.sequence("n", "t")
    assert_same s.snapshot, s.snapshot
    assert_nil s.at("x", "t")
  end

  def test_backoff_doubles_to_the_cap_jittered_into_the_upper_half
    b = Hearsay::Backoff.new
    rand = Struct.new(:v) { def rand = v }
    assert_in_delta 0.05, b.delay_s(0, rand.new(0.0)), 1e-9
    assert_in_delta 0.1, b.delay_s(0, rand.new(1.0)), 1e-9
    assert_in_delta 0.4, b.delay_s(2, rand.new(0.999_999_9)), 1e-6
    assert_in_delta 5.0, b.delay_s(40, rand.new(0.999_999_9)), 1e-6
    assert_in_delta 2.5, b.delay_s(40, rand.new(0.0)), 1e-9
    assert_nil Hearsay::Backoff.from(false)
    assert_equal 0.01, Hearsay::Backoff.from(initial_delay_s: 0.01).initial_delay_s
    assert_raises(ArgumentError) { Hearsay::Backoff.from(initial_delay_s: 0) }
    assert_raises(ArgumentError) { Hearsay::Backoff.from(initial_delay_s: 1, max_delay_s: 0.5) }
    assert_raises(ArgumentError) { Hearsay::Backoff.from(bogus: 1) }
    assert_raises(ArgumentError) { Hearsay::Backoff.from("fast") }
  end

  def test_mailbox_bounds_waits_and_ends
    m = Hearsay::Mailbox.new(2)
    assert m.push(1)
    assert m.push(2)
    assert m.full?
    pusher = Thread.new { m.push(3) }
    sleep 0.05
    assert pusher.alive?, "a full mailbox blocks the reader"
    assert_equal [:item, 1], m.pop(0)
    assert pusher.join(2)
    assert_equal [:timeout], Hearsay::Mailbox.new(1).pop(0.01)
    m.finish(Hearsay::Unavailable.new("gone"))
    assert_equal [:item, 2], m.pop(0)
    assert_equal [:item, 3], m.pop(0)
    kind, err = m.pop(0)
    assert_equal :end, kind
    assert_instance_of Hearsay::Unavailable, err
    m.close
    refute m.push(4)
    assert_equal [:end, nil], m.pop
  end
end

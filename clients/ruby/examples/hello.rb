#!/usr/bin/env ruby
# frozen_string_literal: true

# Hearsay Ruby sample: asks a gateway who it is over gRPC and Thrift, registers
# its own digest type (samples.ruby.Hello, from hello.proto beside this file),
# publishes greetings (one by one, batched, and over Thrift), receives them,
# prints what the other languages' samples published (from the earliest
# retained digest until the caught-up marker), and lists the members by
# watching them.
#
#   ruby clients/ruby/examples/hello.rb [GRPC_ADDRESS [THRIFT_ADDRESS]]
#
# Addresses are host:port; without arguments they come from the environment
# (HEARSAY_GRPC, HEARSAY_THRIFT; HEARSAY_TOKEN when the gateway wants a token).
# Runs from a checkout without installing the gem (lib/ is put on the load
# path); needs the stubs from scripts/gen/ruby.sh (`make gen`).

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
$LOAD_PATH.unshift(File.expand_path("gen", __dir__))
require "hearsay"
require "hello_pb"

Hello = Samples::Ruby::Hello
HELLO_PROTO = File.expand_path("hello.proto", __dir__)
# The other samples' types; they may not be registered yet (their sample has not run).
OTHER_TYPES = %w[samples.typescript.Hello samples.python.Hello samples.java.Hello].freeze
LABEL = { grpc: "gRPC", thrift: "Thrift" }.freeze
WAIT_S = 10
# How long the others' history may take to arrive (fetched from other gateways), s.
CAUGHT_UP_S = 15

def say(line)
  puts "ruby sample: #{line}"
end

def hello_info(client)
  info = client.info
  say "asked gateway #{client.address} (#{LABEL[client.transport]}) who it is -> node #{info.node_name}, " \
      "hearsay #{info.version}, api v#{info.api_version}, overlay #{info.overlay}, " \
      "#{info.alive_members} alive member(s), features: #{info.features.join(', ')}"
end

# Register, subscribe, publish three ways, receive all five.
def greet(client, thrift)
  t = client.register_type_from_file(HELLO_PROTO, "samples.ruby.Hello", description: "greetings from the Ruby sample")
  say "registered #{t.name} v#{t.version} (#{t.created ? 'new' : 'already known'}, #{t.fingerprint[0, 12]})"
  sub = client.subscribe(Hello, include_json: true)
  sub.wait_started(timeout_s: WAIT_S)
  first = client.publish(Hello.new(text: "hello, one by one", n: 1), headers: { "lang" => "ruby" })
  client.publisher(max_batch: 100, linger_ms: 5) do |pub|
    (2..4).each { |n| pub << Hello.new(text: "hello, batched", n: n) }
  end
  via_thrift = thrift ? thrift.publish(Hello.new(text: "hello over Thrift", n: 5)).id : nil
  say "published #{first.id}, 3 through a batching publisher#{via_thrift ? " and #{via_thrift} over Thrift" : ''}"
  expected = thrift ? 5 : 4
  got = []
  while got.size < expected && (d = sub.receive(timeout_s: WAIT_S))
    d.gap? ? say("gap: #{d.message}") : got << d
  end
  sub.close
  got.each { |x| say "received #{x.id} from #{x.origin}: #{x.message.text} ##{x.message.n} (json #{x.json})" }
  raise Hearsay::DeadlineExceeded, "received #{got.size} of #{expected} greetings" if got.size < expected
end

# Whether another sample's type is registered (the registry is replicated: a
# fresh registration gets a moment).
def registered?(client, type)
  3.times do |attempt|
    client.get_type(type)
    return true
  rescue Hearsay::NotFound
    sleep 0.3 if attempt < 2
  end
  say "#{type} is not registered yet (its sample has not run against this overlay)"
  false
end

# What the other languages' samples published, from the start of each stream:
# the gateway fetches what it does not hold from the origin or a peer, then
# sends the caught-up marker (what would follow is live).
def others(client)
  known = OTHER_TYPES.select { |type| registered?(client, type) }
  return say("none of the other languages' samples has run against this overlay yet") if known.empty?

  counts = Hash.new(0)
  sub = client.subscribe(*known, start: :earliest, include_json: true, include_caught_up: true)
  say "subscribed to #{known.join(', ')} from the earliest retained digest, until caught up"
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + CAUGHT_UP_S
  loop do
    left = deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC)
    d = left.positive? ? sub.receive(timeout_s: left) : nil
    raise Hearsay::DeadlineExceeded, "no caught-up marker within #{CAUGHT_UP_S} s" if d.nil?
    break if d.caught_up?
    next say("gap (#{d.reason}): #{d.message}") if d.gap?

    lang = d.type.split(".")[1]
    counts[lang] += 1
    say "received from #{lang} at #{d.origin}: #{d.json} (#{d.id})"
  end
  sub.close
  by_lang = counts.map { |lang, n| "#{lang} #{n}" }.join(", ")
  say "caught up: #{counts.values.sum} digest(s) of the other languages' samples (#{by_lang.empty? ? 'none' : by_lang})"
end

def members(client)
  watch = client.watch_members(include_current: true)
  current = watch.wait_snapshot(timeout_s: WAIT_S) # the :current events, up to :snapshot_end
  watch.close
  say "members (watch_members, current): #{current.map(&:name).join(', ')}"
end

grpc_address = ARGV[0] || ENV.fetch("HEARSAY_GRPC", nil)
thrift_address = ARGV[1] || ENV.fetch("HEARSAY_THRIFT", nil)
if grpc_address.nil? || grpc_address.empty?
  warn "usage: ruby #{$PROGRAM_NAME} GRPC_ADDRESS [THRIFT_ADDRESS]  (or set HEARSAY_GRPC / HEARSAY_THRIFT)"
  exit 2
end
thrift_address = nil if thrift_address&.empty?
token = ENV.fetch("HEARSAY_TOKEN", nil)

begin
  Hearsay.connect(address: grpc_address, token: token) do |client|
    hello_info(client)
    thrift = thrift_address && Hearsay.connect(address: thrift_address, transport: :thrift, token: token)
    begin
      thrift ? hello_info(thrift) : say("(no Thrift address given, skipped Thrift)")
      greet(client, thrift)
    ensure
      thrift&.close
    end
    others(client)
    members(client)
  end
rescue Hearsay::Error => e
  say "failed: #{e.class.name.split('::').last} (#{e.code_name}): #{e.message}"
  exit 1
end

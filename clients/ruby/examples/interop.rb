#!/usr/bin/env ruby
# frozen_string_literal: true

# The Ruby side of the cross-language test (test/e2e): publishes or receives
# hearsay.interop.v1.InteropRecord (clients/interop/interop.proto) and prints
# one JSON line per event.
#
#   ruby clients/ruby/examples/interop.rb publish   --agent HOST:PORT --transport grpc|thrift --run RUN --count N
#   ruby clients/ruby/examples/interop.rb subscribe --agent HOST:PORT --transport grpc|thrift --run RUN --count N \
#        --timeout-ms MS
#
# publish prints {"event":"published","count":N}; subscribe prints
# {"event":"ready"} once subscribed, one {"event":"record",...} per record of
# the run (gap notices as {"event":"gap",...}), then {"event":"done","received":N}
# (exit 0), or {"event":"timeout",...} (exit 3). Failures print
# {"event":"error",...} and exit 1; bad arguments exit 2.
# Needs the stubs from scripts/gen/ruby.sh (`make gen`).

require "json"
require "optparse"
$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
$LOAD_PATH.unshift(File.expand_path("gen", __dir__))
require "hearsay"
require "interop_pb"

PROTO = File.expand_path("../../interop/interop.proto", __dir__)
TYPE = "hearsay.interop.v1.InteropRecord"
LANGUAGE = "ruby"
Record = Hearsay::Interop::V1::InteropRecord

def emit(event)
  puts JSON.generate(event)
end

def usage!(message)
  warn "interop.rb: #{message}"
  warn "usage: interop.rb publish|subscribe --agent HOST:PORT --transport grpc|thrift --run RUN --count N " \
       "[--timeout-ms MS]"
  exit 2
end

def options(argv)
  mode = argv.shift
  usage!("first argument must be publish or subscribe") unless %w[publish subscribe].include?(mode)
  opts = { mode: mode, transport: "grpc", timeout_ms: 30_000 }
  OptionParser.new do |o|
    o.on("--agent ADDR") { |v| opts[:agent] = v }
    o.on("--transport T") { |v| opts[:transport] = v }
    o.on("--run RUN") { |v| opts[:run] = v }
    o.on("--count N", Integer) { |v| opts[:count] = v }
    o.on("--timeout-ms MS", Integer) { |v| opts[:timeout_ms] = v }
  end.parse!(argv)
  usage!("--agent is required") unless opts[:agent]
  usage!("--run is required") unless opts[:run] && !opts[:run].empty?
  usage!("--count must be a positive integer") unless opts[:count]&.positive?
  usage!("--transport must be grpc or thrift") unless %w[grpc thrift].include?(opts[:transport])
  usage!("--timeout-ms must be positive") unless opts[:timeout_ms].positive?
  opts
rescue OptionParser::ParseError => e
  usage!(e.message)
end

# Record `seq` of a run, every field derived from seq as interop.proto says.
def record(run, seq)
  Record.new(run: run, language: LANGUAGE, seq: seq, text: "héllo ✓ #{seq}",
             blob: [seq % 256, (seq * 7) % 256, 255].pack("C*"), value: seq * 0.5, attrs: { "k" => seq.to_s })
end

def publish(client, opts)
  records = (0...opts[:count]).map { |seq| record(opts[:run], seq) }
  client.publish_batch(records)
  emit(event: "published", count: records.size)
end

def subscribe(client, opts)
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + (opts[:timeout_ms] / 1000.0)
  left = -> { deadline - Process.clock_gettime(Process::CLOCK_MONOTONIC) }
  sub = client.subscribe(Record)
  sub.wait_started(timeout_s: [left.call, 0.001].max)
  emit(event: "ready")
  received = 0
  while received < opts[:count]
    return timeout(received, opts) if left.call <= 0

    d = sub.receive(timeout_s: left.call)
    next if d.nil?

    if d.gap?
      emit(event: "gap", reason: d.reason, message: d.message,
           ranges: d.ranges.map { |r| { origin: r.origin, type: r.type, from: r.from_sequence, to: r.to_sequence } })
    elsif d.message.nil?
      emit(event: "undecodable", id: d.id, error: d.decode_error&.message)
    elsif d.message.run == opts[:run]
      received += 1
      emit(record_event(d.message))
    end
  end
  emit(event: "done", received: received)
ensure
  sub&.close
end

def record_event(m)
  { event: "record", language: m.language, seq: m.seq, text: m.text, value: m.value,
    blob_hex: m.blob.unpack1("H*"), attrs: m.attrs.to_h }
end

def timeout(received, opts)
  emit(event: "timeout", received: received, expected: opts[:count], timeout_ms: opts[:timeout_ms])
  exit 3
end

$stdout.sync = true
opts = options(ARGV.dup)
begin
  Hearsay.connect(address: opts[:agent], transport: opts[:transport].to_sym, token: ENV.fetch("HEARSAY_TOKEN", nil),
                  connect_timeout_s: [opts[:timeout_ms] / 1000.0, 10].min) do |client|
    client.register_type_from_file(PROTO, TYPE)
    opts[:mode] == "publish" ? publish(client, opts) : subscribe(client, opts)
  end
rescue Hearsay::DeadlineExceeded => e
  emit(event: "timeout", received: 0, expected: opts[:count], timeout_ms: opts[:timeout_ms], message: e.message)
  exit 3
rescue Hearsay::Error => e
  emit(event: "error", code: e.code_name, message: e.message)
  exit 1
end

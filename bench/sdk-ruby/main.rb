#!/usr/bin/env ruby
# frozen_string_literal: true

# Ruby SDK benchmark (issue #8): two real gateways on loopback, joined; this
# process publishes at gateway 1 through the SDK's batching publisher and
# subscribes at gateway 2 through the SDK, 256-byte payloads, over gRPC and
# over Thrift (plus unary gRPC Publish for reference). Per case: (a) a
# flat-out run of --count digests (or --max-s seconds, whichever first),
# throughput = digests delivered / (last delivery - first publish); (b) a
# paced run at --rate digests/s for --latency-s seconds, latency = receiver
# clock - the publish time the delivery carries (the origin's accept time,
# whole ms), and send -> delivery from a stamp in the payload. Prints a
# Markdown table and writes it to bench/sdk-ruby/RESULTS.md.
#
#   ruby bench/sdk-ruby/main.rb [--count N] [--max-s S] [--rate R] [--latency-s S] [--payload B] [--markdown FILE]

require "optparse"
$LOAD_PATH.unshift(File.expand_path("../../clients/ruby/lib", __dir__))
require "hearsay"
require_relative "agents"
require_relative "machine"
require_relative "runs"

OPTS = { count: 100_000, unary_count: 5_000, max_s: 20, rate: 2_000, latency_s: 10, payload: 256,
         markdown: File.expand_path("RESULTS.md", __dir__) }
OptionParser.new do |o|
  o.banner = "usage: ruby bench/sdk-ruby/main.rb [flags]"
  o.on("--count N", Integer, "digests per throughput run (default 100000)") { |v| OPTS[:count] = v }
  o.on("--unary-count N", Integer, "digests for the unary Publish run (default 5000)") { |v| OPTS[:unary_count] = v }
  o.on("--max-s S", Integer, "longest throughput run, seconds (default 20)") { |v| OPTS[:max_s] = v }
  o.on("--rate R", Integer, "paced latency run, digests/s (default 2000)") { |v| OPTS[:rate] = v }
  o.on("--latency-s S", Integer, "paced latency run length, seconds (default 10)") { |v| OPTS[:latency_s] = v }
  o.on("--payload B", Integer, "payload bytes, 16-16000 (default 256)") { |v| OPTS[:payload] = v }
  o.on("--markdown FILE", "also write the table here (default bench/sdk-ruby/RESULTS.md)") { |v| OPTS[:markdown] = v }
end.parse!
{ count: 1..10_000_000, unary_count: 1..1_000_000, max_s: 1..600, rate: 1..1_000_000, latency_s: 1..600,
  payload: 16..16_000 }.each do |k, range|
  abort "--#{k.to_s.tr('_', '-')}: expected #{range}, got #{OPTS[k]}" unless range.cover?(OPTS[k])
end

CASES = [
  { label: "gRPC, batching publisher (PublishStream)", transport: :grpc, mode: :publisher },
  { label: "Thrift, batching publisher (publishBatch) + long poll", transport: :thrift, mode: :publisher },
  { label: "gRPC, unary Publish (one at a time, reference)", transport: :grpc, mode: :unary }
].freeze

def fmt(x)
  x.nil? ? "-" : x.round(x < 10 ? 2 : 1).to_s.sub(/\.0\z/, "")
end

def grouped(n)
  n.to_i.to_s.reverse.scan(/\d{1,3}/).join(",").reverse
end

agents = Agents.new
rows = []
begin
  gw1 = agents.start("bench-rb-1")
  gw2 = agents.start("bench-rb-2", join: gw1.gossip)
  Runs.prepare(gw1, gw2)
  CASES.each do |c|
    $stderr.puts "bench-ruby: #{c[:label]} ..."
    count = c[:mode] == :unary ? OPTS[:unary_count] : OPTS[:count]
    tp = Runs.throughput(gw1, gw2, c, count: count, max_s: OPTS[:max_s], payload: OPTS[:payload])
    lat = Runs.latency(gw1, gw2, c, rate: OPTS[:rate], seconds: OPTS[:latency_s], payload: OPTS[:payload])
    rows << [c, tp, lat, Machine.load1]
    $stderr.puts "bench-ruby:   #{grouped(tp[:rate])} digests/s; p50 #{fmt(lat[:p50])} ms, p99 #{fmt(lat[:p99])} ms"
  end
ensure
  agents.stop_all
end

table = +"### Ruby SDK: publish at gateway 1 -> subscribe at gateway 2 (#{OPTS[:payload]}-byte payloads)\n\n"
table << "Machine: #{Machine.describe}; #{Machine.versions}; #{Time.now.utc.strftime('%Y-%m-%dT%H:%M:%SZ')}.\n"
table << "Two `hearsay agent` processes (profile local) on loopback; this Ruby process runs publisher and " \
         "subscriber. Throughput: #{grouped(OPTS[:count])} digests flat out (unary: #{grouped(OPTS[:unary_count])}), " \
         "at most #{OPTS[:max_s]} s. Latency: #{grouped(OPTS[:rate])} digests/s for #{OPTS[:latency_s]} s; " \
         "\"publish time\" = receiver clock - the delivery's publish_time_ms (whole ms, so up to 1 ms high), " \
         "\"send\" = receiver clock - a stamp the sender put in the payload. SDK ceiling = throughput / " \
         "(this process's CPU share): the rate at which publishing and receiving through the SDK would use a " \
         "whole core (Ruby runs one thread at a time), i.e. where the SDK would become the bottleneck.\n\n"
table << "| case | throughput (digests/s) | all delivered | p50 latency from publish time (ms) | p99 (ms) | max (ms) " \
         "| p50 from send (ms) | p99 from send (ms) | gaps | bench CPU (% of a core, throughput run) " \
         "| SDK ceiling (digests/s at 100% of a core) | load |\n"
table << "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
rows.each do |c, tp, lat, load|
  table << "| #{c[:label]} | #{grouped(tp[:rate])} | #{tp[:complete] ? 'yes' : "no (#{grouped(tp[:received])}/#{grouped(tp[:sent])})"} " \
           "| #{fmt(lat[:p50])} | #{fmt(lat[:p99])} | #{fmt(lat[:max])} | #{fmt(lat[:send_p50])} | #{fmt(lat[:send_p99])} " \
           "| #{tp[:gaps] + lat[:gaps]} | #{tp[:cpu_pct].round} | #{grouped(tp[:rate] * 100 / [tp[:cpu_pct], 1].max)} " \
           "| #{load} |\n"
end
puts table
File.write(OPTS[:markdown], table) if OPTS[:markdown]

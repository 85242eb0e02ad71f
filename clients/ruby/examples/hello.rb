#!/usr/bin/env ruby
# frozen_string_literal: true

# Hearsay Ruby sample: asks a gateway who it is, over gRPC and over Thrift.
#
#   ruby clients/ruby/examples/hello.rb [GRPC_ADDRESS [THRIFT_ADDRESS]]
#
# Addresses are host:port; without arguments they come from the environment
# (HEARSAY_GRPC, HEARSAY_THRIFT; HEARSAY_TOKEN when the gateway wants a token).
# Runs from a checkout without installing the gem: lib/ is put on the load path.

$LOAD_PATH.unshift(File.expand_path("../lib", __dir__))
require "hearsay"

targets = {
  grpc: ARGV[0] || ENV.fetch("HEARSAY_GRPC", nil),
  thrift: ARGV[1] || ENV.fetch("HEARSAY_THRIFT", nil)
}.reject { |_, address| address.nil? || address.empty? }
if targets.empty?
  warn "usage: ruby #{$PROGRAM_NAME} GRPC_ADDRESS [THRIFT_ADDRESS]  (or set HEARSAY_GRPC / HEARSAY_THRIFT)"
  exit 2
end

LABEL = { grpc: "gRPC", thrift: "Thrift" }.freeze
token = ENV.fetch("HEARSAY_TOKEN", nil)
failed = false
targets.each do |transport, address|
  Hearsay.connect(address: address, transport: transport, token: token) do |client|
    info = client.info
    puts "ruby sample: asked gateway #{address} (#{LABEL[transport]}) who it is -> node #{info.node_name}, " \
         "hearsay #{info.version}, api v#{info.api_version}, overlay #{info.overlay}, " \
         "#{info.alive_members} alive member(s), features: #{info.features.join(', ')}"
  end
rescue Hearsay::Error => e
  failed = true
  puts "ruby sample: asked gateway #{address} (#{LABEL[transport]}) who it is -> failed: " \
       "#{e.class.name.split('::').last} (code #{e.code}): #{e.message}"
end
puts "ruby sample: (no Thrift address given, skipped Thrift)" unless targets.key?(:thrift)
puts "ruby sample: publishing, subscribing and watching members come with the Ruby SDK issue (#8); " \
     "this sample only says hello."
exit(failed ? 1 : 0)

# frozen_string_literal: true

require "digest"

# Reads the repository's schema files the way scripts/schema-hash.mjs does,
# and parses the service definitions out of them, so the tests compare the
# generated code against the schemas themselves (nothing hard-coded).
module Schema
  module_function

  # SHA-256 over every *.proto / *.thrift under proto/ and thrift/, in byte
  # order of the repo-relative path, each fed as path + "\0" + bytes + "\0".
  def fingerprint(root = TestPaths::REPO_ROOT)
    files = %w[proto thrift].flat_map { |d| Dir.glob("**/*", base: File.join(root, d)).map { |f| "#{d}/#{f}" } }
                           .select { |f| f.end_with?(".proto", ".thrift") && File.file?(File.join(root, f)) }
                           .map { |f| f.b }
                           .sort
    sha = Digest::SHA256.new
    files.each do |f|
      sha << f << "\0" << File.binread(File.join(root, f)) << "\0"
    end
    sha.hexdigest
  end

  # rpc names of `service Gateway` in proto/hearsay/v1/gateway.proto.
  def proto_rpcs
    text = strip_comments(File.read(File.join(TestPaths::REPO_ROOT, "proto/hearsay/v1/gateway.proto")))
    service_body(text).scan(/\brpc\s+(\w+)\s*\(/).flatten
  end

  # Method names of `service Gateway` in thrift/hearsay.thrift.
  def thrift_methods
    text = strip_comments(File.read(File.join(TestPaths::REPO_ROOT, "thrift/hearsay.thrift")))
    # Drop argument and throws lists; what is left is "<type> <name>() [throws ()],".
    service_body(text).gsub(/\([^()]*\)/, "()").scan(/(\w+)\s*\(\)/).flatten - %w[throws]
  end

  def service_body(text)
    m = /\bservice\s+Gateway\s*\{(?<body>.*?)^\}/m.match(text) or raise "no `service Gateway` found"
    m[:body]
  end

  def strip_comments(text)
    text.gsub(%r{/\*.*?\*/}m, "").gsub(%r{//[^\n]*}, "").gsub(/#[^\n]*/, "")
  end
end

# frozen_string_literal: true

# Loads the stubs that scripts/gen/ruby.sh generates into lib/hearsay/gen/
# (never edited by hand, ignored by git, packaged inside the gem).
#
# The generated files require each other by paths relative to that directory
# (`require 'hearsay/v1/types_pb'`, `require 'hearsay/thrift_api/hearsay_types'`),
# so the directory is appended to $LOAD_PATH here rather than rewriting the
# generated code. Appended, not prepended: it must never shadow other libraries.
module Hearsay
  # Where the generated stubs live and how fresh they are.
  module Generated
    # Directory holding the generated protobuf, gRPC and Thrift code.
    DIR = File.expand_path("gen", __dir__)
    # File holding the schema fingerprint the stubs were generated from.
    STAMP = File.join(DIR, ".schema-sha256")

    # @return [String, nil] the fingerprint recorded at generation time
    def self.stamp
      File.exist?(STAMP) ? File.read(STAMP).strip : nil
    end
  end
end

unless File.exist?(Hearsay::Generated::STAMP)
  raise LoadError, "hearsay: generated stubs missing in #{Hearsay::Generated::DIR}; " \
                   "run scripts/gen/ruby.sh (or `make gen`) from the repository"
end

$LOAD_PATH << Hearsay::Generated::DIR unless $LOAD_PATH.include?(Hearsay::Generated::DIR)

require "grpc"
require "thrift"
require "hearsay/v1/errors_pb"
require "hearsay/v1/gateway_services_pb"
require "hearsay/thrift_api/gateway"

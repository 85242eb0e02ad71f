#!/usr/bin/env bash
# Ruby stubs: protobuf messages + gRPC service (Debian's grpc_tools_ruby_protoc)
# and Thrift (`thrift --gen rb:namespaced`), all into
# clients/ruby/lib/hearsay/gen/ (ignored by git), stamped with the schema hash;
# and the message classes of the examples' own schemas (the sample's
# hello.proto, the shared clients/interop/interop.proto) into
# clients/ruby/examples/gen/ (ignored by clients/ruby/.gitignore).
#
# Layout (lib/hearsay/gen is put on $LOAD_PATH by lib/hearsay/generated.rb, so
# the generated files' own `require 'hearsay/v1/types_pb'` and
# `require 'hearsay/thrift_api/hearsay_types'` resolve without editing them):
#   gen/hearsay/v1/*_pb.rb, gen/hearsay/v1/gateway_services_pb.rb   (proto)
#   gen/hearsay/thrift_api/{gateway,hearsay_types,hearsay_constants}.rb
#   examples/gen/{hello_pb.rb, interop_pb.rb}
set -euo pipefail
cd "$(dirname "$0")/../.."
out=clients/ruby/lib/hearsay/gen
examples_out=clients/ruby/examples/gen
# Generate into temporary dirs and swap, so a failed run never leaves a
# half-written tree that still carries an old (valid-looking) stamp.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearsay-gen-ruby.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib" "$tmp/examples"
grpc_tools_ruby_protoc -Iproto --ruby_out="$tmp/lib" --grpc_out="$tmp/lib" proto/hearsay/v1/*.proto
# `namespaced` puts files under hearsay/thrift_api/ (from `namespace rb
# Hearsay.ThriftApi`) instead of top-level names like `gateway.rb`.
thrift --gen rb:namespaced -out "$tmp/lib" thrift/hearsay.thrift
node scripts/schema-hash.mjs > "$tmp/lib/.schema-sha256"
grpc_tools_ruby_protoc -Iclients/ruby/examples --ruby_out="$tmp/examples" clients/ruby/examples/hello.proto
grpc_tools_ruby_protoc -Iclients/interop --ruby_out="$tmp/examples" clients/interop/interop.proto
rm -rf "$out" "$examples_out"
mkdir -p "$(dirname "$out")"
mv "$tmp/lib" "$out"
mv "$tmp/examples" "$examples_out"
chmod 755 "$out" "$examples_out"
trap - EXIT
rm -rf "$tmp"
echo "gen-ruby: wrote $out (proto + grpc + thrift), schema $(cut -c1-12 "$out/.schema-sha256"); $examples_out (sample + interop)"

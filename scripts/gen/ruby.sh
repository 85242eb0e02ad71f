#!/usr/bin/env bash
# Ruby stubs: protobuf messages + gRPC service (Debian's grpc_tools_ruby_protoc)
# and Thrift (`thrift --gen rb:namespaced`), all into
# clients/ruby/lib/hearsay/gen/ (ignored by git), stamped with the schema hash.
#
# Layout (lib/hearsay/gen is put on $LOAD_PATH by lib/hearsay/generated.rb, so
# the generated files' own `require 'hearsay/v1/types_pb'` and
# `require 'hearsay/thrift_api/hearsay_types'` resolve without editing them):
#   gen/hearsay/v1/*_pb.rb, gen/hearsay/v1/gateway_services_pb.rb   (proto)
#   gen/hearsay/thrift_api/{gateway,hearsay_types,hearsay_constants}.rb
set -euo pipefail
cd "$(dirname "$0")/../.."
out=clients/ruby/lib/hearsay/gen
# Generate into a temporary dir and swap, so a failed run never leaves a
# half-written tree that still carries an old (valid-looking) stamp.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearsay-gen-ruby.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
grpc_tools_ruby_protoc -Iproto --ruby_out="$tmp" --grpc_out="$tmp" proto/hearsay/v1/*.proto
# `namespaced` puts files under hearsay/thrift_api/ (from `namespace rb
# Hearsay.ThriftApi`) instead of top-level names like `gateway.rb`.
thrift --gen rb:namespaced -out "$tmp" thrift/hearsay.thrift
node scripts/schema-hash.mjs > "$tmp/.schema-sha256"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp" "$out"
chmod 755 "$out"
trap - EXIT
echo "gen-ruby: wrote $out (proto + grpc + thrift), schema $(cut -c1-12 "$out/.schema-sha256")"

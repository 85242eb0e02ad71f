#!/usr/bin/env bash
# Python stubs: protobuf messages (+ .pyi) and the gRPC service from grpcio-tools
# (its bundled protoc, so the gencode matches the pinned protobuf runtime), and
# Thrift (`thrift --gen py`, namespace hearsay_thrift), all into
# clients/python/src/hearsay/_gen/ (ignored by git), stamped with the schema hash.
#
# Layout, inside the `hearsay` package (no sys.path tricks):
#   _gen/hearsay/v1/{types,errors,gateway}_pb2.py(i), gateway_pb2_grpc.py
#   _gen/hearsay_thrift/{Gateway,ttypes,constants}.py
# protoc writes absolute imports named after the .proto paths (`from hearsay.v1
# import types_pb2`) and cannot prefix them, so codegen/prefix_imports.py moves
# those references under `hearsay._gen` right after generation. Thrift's output
# imports relatively; `package_prefix` fixes its few absolute names.
# Also the sample clients' own message classes, from their .proto files, into
# clients/python/examples/_gen/ (ignored by git): examples/hello.proto (the
# sample's digest type) and clients/interop/interop.proto (the cross-language
# interop record).
# Needs the venv of scripts/bootstrap.d/python.sh, the `thrift` compiler and node.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=clients/python/.venv/bin/python
if [[ ! -x "$py" ]]; then
  echo "gen-python: $py is missing; run scripts/bootstrap.d/python.sh first" >&2
  exit 1
fi
out=clients/python/src/hearsay/_gen
# Generate into a temporary dir and swap, so a failed run never leaves a
# half-written tree that still carries an old (valid-looking) stamp.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearsay-gen-python.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

mapfile -t protos < <(find proto -name '*.proto' | LC_ALL=C sort)
mapfile -t services < <(grep -l '^service ' "${protos[@]}")
"$py" -m grpc_tools.protoc -Iproto --python_out="$tmp" --pyi_out="$tmp" "${protos[@]}"
# gRPC stubs only for files that define a service (the plugin writes empty
# modules for the rest).
"$py" -m grpc_tools.protoc -Iproto --grpc_python_out="$tmp" "${services[@]}"

for t in $(find thrift -name '*.thrift' | LC_ALL=C sort); do
  thrift --gen py:package_prefix=hearsay._gen. -out "$tmp" "$t"
done
# The generated command-line tools (`Gateway-remote`) are not part of the SDK.
find "$tmp" -name '*-remote' -delete

"$py" clients/python/codegen/prefix_imports.py "$tmp" hearsay._gen
node scripts/schema-hash.mjs > "$tmp/.schema-sha256"
rm -rf "$out"
mv "$tmp" "$out"
chmod 755 "$out"
trap - EXIT
echo "gen-python: wrote $out (proto + grpc + thrift), schema $(cut -c1-12 "$out/.schema-sha256")"

ex=clients/python/examples/_gen
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hearsay-gen-python-ex.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
"$py" -m grpc_tools.protoc -Iclients/python/examples --python_out="$tmp" --pyi_out="$tmp" clients/python/examples/hello.proto
"$py" -m grpc_tools.protoc -Iclients/interop --python_out="$tmp" --pyi_out="$tmp" clients/interop/interop.proto
touch "$tmp/__init__.py"
rm -rf "$ex"
mv "$tmp" "$ex"
chmod 755 "$ex"
trap - EXIT
echo "gen-python: wrote $ex (hello_pb2, interop_pb2 for the samples)"

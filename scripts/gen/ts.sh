#!/usr/bin/env bash
# TypeScript stubs: ts-proto (grpc-js services) from proto/, Thrift's Node
# generator from thrift/. Output in src/gen/ (ignored by git), stamped.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=src/gen
rm -rf "$out"
mkdir -p "$out/proto" "$out/thrift"
protoc -Iproto \
  --plugin=protoc-gen-ts_proto=node_modules/.bin/protoc-gen-ts_proto \
  --ts_proto_out="$out/proto" \
  --ts_proto_opt=outputServices=grpc-js,env=node,forceLong=bigint,useOptionals=messages,oneof=unions,importSuffix=.js,esModuleInterop=true,useDate=false \
  proto/hearsay/v1/*.proto
# Thrift's Node output is CommonJS; it is loaded with createRequire.
thrift --gen js:node,es6,ts -out "$out/thrift" thrift/hearsay.thrift
echo '{ "type": "commonjs" }' > "$out/thrift/package.json"
node scripts/schema-hash.mjs > "$out/.schema-sha256"
echo "gen-ts: wrote $out (proto + thrift)"

#!/usr/bin/env bash
# Ruby SDK tests (minitest): codegen freshness and completeness, units and
# argument checks, and everything else against real gateway processes the
# tests start themselves (one shared gateway, a 3-gateway cluster on
# loopback, and gateways with tokens, TLS, mTLS or a data dir for restarts).
# Assumes scripts/bootstrap.d/ruby.sh, scripts/gen/ruby.sh and the TypeScript
# build (dist/) have run. Exit code = pass/fail. Extra arguments go to
# minitest, e.g. `-n /resume/ -v`.
set -euo pipefail
cd "$(dirname "$0")/../../clients/ruby"
echo "test-ruby: minitest in clients/ruby ($(ruby -e 'print RUBY_VERSION'))"
# One process for all files: the shared gateways start once.
exec ruby -Ilib -Itest -e 'Dir["test/**/*_test.rb"].sort.each { |f| require File.expand_path(f) }' -- "$@"

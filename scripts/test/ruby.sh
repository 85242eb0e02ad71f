#!/usr/bin/env bash
# Ruby SDK tests (minitest): codegen freshness and completeness, units, an
# in-process fake gateway, and a real gateway process the tests start
# themselves. Assumes scripts/bootstrap.d/ruby.sh, scripts/gen/ruby.sh and the
# TypeScript build (dist/) have run. Exit code = pass/fail.
set -euo pipefail
cd "$(dirname "$0")/../../clients/ruby"
echo "test-ruby: minitest in clients/ruby ($(ruby -e 'print RUBY_VERSION'))"
# One process for all files: the shared gateway starts once.
exec ruby -Ilib -Itest -e 'Dir["test/**/*_test.rb"].sort.each { |f| require File.expand_path(f) }' -- "$@"

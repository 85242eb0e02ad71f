#!/usr/bin/env bash
# Python SDK tests (pytest): codegen freshness and completeness, error mapping,
# option checks, and a real gateway process the tests start themselves.
# Assumes scripts/bootstrap.d/python.sh, scripts/gen/python.sh and the TypeScript
# build (dist/) have run. Extra arguments go to pytest. Exit code = pass/fail.
set -euo pipefail
cd "$(dirname "$0")/../../clients/python"
if [[ ! -x .venv/bin/python ]]; then
  echo "test-python: clients/python/.venv is missing; run scripts/bootstrap.d/python.sh first" >&2
  exit 1
fi
echo "test-python: pytest in clients/python ($(.venv/bin/python --version 2>&1))"
exec .venv/bin/python -m pytest "$@"

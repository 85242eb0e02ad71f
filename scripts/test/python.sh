#!/usr/bin/env bash
# Python SDK tests: static checks (ruff lint + format, mypy --strict on the
# package), then pytest: codegen freshness, error mapping, argument checks,
# and real gateway processes the tests start themselves (3 on loopback, plus
# single ones for tokens, TLS, restarts and freezes).
# Assumes scripts/bootstrap.d/python.sh, scripts/gen/python.sh and the TypeScript
# build (dist/) have run. Extra arguments go to pytest. Exit code = pass/fail.
set -euo pipefail
cd "$(dirname "$0")/../../clients/python"
if [[ ! -x .venv/bin/python ]]; then
  echo "test-python: clients/python/.venv is missing; run scripts/bootstrap.d/python.sh first" >&2
  exit 1
fi
echo "test-python: ruff + mypy in clients/python ($(.venv/bin/python --version 2>&1))"
.venv/bin/ruff check src tests examples ../../bench/sdk-python
.venv/bin/ruff format --check src tests examples ../../bench/sdk-python
.venv/bin/mypy src/hearsay
echo "test-python: pytest in clients/python"
exec .venv/bin/python -m pytest "$@"

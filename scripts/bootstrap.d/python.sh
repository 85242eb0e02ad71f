#!/usr/bin/env bash
# Python toolchain for clients/python: a virtualenv at clients/python/.venv
# with the pinned ranges of clients/python/requirements-dev.txt (grpcio-tools,
# grpcio, protobuf, thrift, pytest) and the SDK installed editable, so the
# tests and examples/hello.py import the working tree. Needs Python >= 3.11
# and PyPI. Fast when nothing changed: a stamp in the venv records the hash of
# the files that decide its contents.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=clients/python
venv="$dir/.venv"
stamp="$venv/.bootstrap-sha256"
want="$(cat "$dir/requirements-dev.txt" "$dir/pyproject.toml" "$dir/setup.py" | sha256sum | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bootstrap-python: ok   $venv ($("$venv/bin/python" --version 2>&1)) up to date"
  exit 0
fi

# First interpreter >= 3.11 found on PATH.
py=""
for c in python3.11 python3.12 python3.13 python3; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    py="$c"
    break
  fi
done
if [[ -z "$py" ]]; then
  echo "bootstrap-python: need Python >= 3.11 (with its venv module) on PATH" >&2
  exit 1
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "bootstrap-python: creating $venv with $("$py" --version 2>&1)"
  "$py" -m venv "$venv"
fi
echo "bootstrap-python: installing $dir/requirements-dev.txt into $venv"
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$dir/requirements-dev.txt"
echo "bootstrap-python: installing the hearsay package (editable) into $venv"
# No build isolation: setuptools comes from requirements-dev.txt, so this step
# needs no second download.
"$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps --no-build-isolation -e "$dir"
echo "$want" > "$stamp"
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null |
  grep -Ei '^(grpcio|grpcio-tools|protobuf|thrift|pytest|hearsay) ' | sed 's/^/bootstrap-python: ok   /'

#!/usr/bin/env bash
# The pictures of docs/, rebuilt from their sources (`make docs`, part of `make build`):
#   docs/*.dot -> docs/*.svg with Graphviz, each SVG stamped with its source's sha256 so
#     test/docs.test.ts fails when a committed SVG no longer matches its .dot;
#   docs/bench-data/*.json -> docs/plots/*.svg (bench/plots, needs `npm run build`).
# A file is rewritten only when its content changes.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v dot >/dev/null; then
  for src in docs/*.dot; do
    [ -e "$src" ] || continue
    out="${src%.dot}.svg"
    sum=$(sha256sum "$src" | cut -d' ' -f1)
    dot -Tsvg "$src" | sed "0,/^<svg/s||<!-- source: $src sha256 $sum -->\n<svg|" > "$out.tmp"
    if cmp -s "$out.tmp" "$out"; then rm "$out.tmp"; else mv "$out.tmp" "$out"; echo "docs: rendered $out"; fi
  done
else
  echo "docs: graphviz is not installed (make bootstrap installs it); docs/*.svg kept as committed"
fi

if [ -f dist/bench/plots/main.js ]; then
  node dist/bench/plots/main.js
else
  echo "docs: dist/bench/plots/main.js is missing (npm run build); docs/plots kept as committed"
fi

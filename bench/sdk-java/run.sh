#!/usr/bin/env bash
# Java SDK benchmark: compiles bench/sdk-java/src against the SDK jar and runs it.
# Needs the SDK built (scripts/test/java.sh, or mvn -f clients/java package) and the
# gateway built (npm run build). Flags: see --help.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=clients/java/target/hearsay-client.jar
[[ -f $jar ]] || { echo "bench-java: $jar missing; run: mvn -q -f clients/java package -DskipTests" >&2; exit 1; }
cp="$jar:clients/java/target/lib/*"
out=bench/sdk-java/target/classes
rm -rf "$out" && mkdir -p "$out"
javac --release 17 -cp "$cp" -d "$out" $(find bench/sdk-java/src -name '*.java')
exec java -Xms512m -Dhearsay.repo="$PWD" -cp "$out:$cp" dev.hearsay.bench.Main "$@"

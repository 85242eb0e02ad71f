#!/usr/bin/env bash
# Java SDK bootstrap: checks the tools the build runs (JDK 17, Maven, thrift, node)
# and resolves every Maven dependency and plugin into the local repository, so
# later builds and tests need no downloads. Idempotent: skipped while pom.xml is
# unchanged since the last successful run.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v thrift >/dev/null || missing+=(thrift-compiler)
command -v node >/dev/null || missing+=("node (>= 20.19)")
if ((${#missing[@]})); then
  echo "bootstrap-java: missing ${missing[*]}; install with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

repo_dir="${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}"
stamp="$repo_dir/.hearsay-java-bootstrap"
want="$(sha256sum clients/java/pom.xml | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bootstrap-java: Maven dependencies already resolved for this pom.xml"
  exit 0
fi

# A build that runs one offline unit test fetches everything `verify` uses: compile
# deps, protoc + protoc-gen-grpc-java binaries, plugins and Surefire's JUnit provider.
echo "bootstrap-java: resolving Maven dependencies and plugins (clients/java, first run ~1 min)"
mvn -B -q -Dstyle.color=never -f clients/java verify -Dtest=ErrorMappingTest -Dsurefire.failIfNoSpecifiedTests=false
mkdir -p "$repo_dir"
echo "$want" > "$stamp"
echo "bootstrap-java: done"

#!/usr/bin/env bash
# Java stubs: the Maven build generates protobuf + gRPC (protobuf-maven-plugin) from
# proto/ and Thrift (Debian `thrift --gen java`) from thrift/ into
# clients/java/target/generated-sources/ (ignored by git), stamped with
# .schema-sha256 (scripts/schema-hash.mjs). See clients/java/pom.xml.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -Dstyle.color=never -f clients/java generate-sources
echo "gen-java: wrote clients/java/target/generated-sources (protobuf, grpc-java, thrift)"

#!/usr/bin/env bash
# Java SDK tests (JUnit 5 via Maven Surefire, ~3 min): stub stamp + completeness,
# unit tests, and live tests against real gateways they start and stop (a 3-gateway
# cluster, crashed + restarted gateways, tokens + mTLS; needs dist/ from the TS
# build), the sample client and the interop script. Also leaves the jar, target/lib/
# and target/test-classes/ that the sample and the interop script run from.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec mvn -B -ntp -Dstyle.color=never -f clients/java verify

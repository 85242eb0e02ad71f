#!/usr/bin/env bash
# Java SDK tests (JUnit 5 via Maven Surefire): stub stamp + completeness, error
# mapping, live tests against a gateway they start (needs dist/ from the TS build),
# the sample client. Also leaves the jar + target/lib/ that the sample runs from.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec mvn -B -ntp -Dstyle.color=never -f clients/java verify

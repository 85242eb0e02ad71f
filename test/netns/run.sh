#!/usr/bin/env bash
# make test-netns: the multi-host fault test (test/netns/faults.test.ts) in
# network namespaces. Needs root and `ip netns`; skips with a message
# otherwise. The test cleans up after itself; the trap below is the backstop
# for a driver that died: it SIGKILLs what still runs inside our namespaces
# (hsnt-ID-h*, only ever started by this test), then deletes them and the bridge.
# Assumes the build (dist/) and the Python venv; extra arguments go to vitest.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [[ $(id -u) -ne 0 ]]; then
  echo "test-netns: skipped: needs root (network namespaces, bridges, nftables)"
  exit 0
fi
if ! ip netns list >/dev/null 2>&1; then
  echo "test-netns: skipped: \`ip netns\` is unavailable (iproute2 with network namespace support)"
  exit 0
fi

# Names the test's namespaces and bridge (test/netns/hosts.ts), so the trap finds exactly them.
export HEARSAY_NETNS_ID=$$
cleanup() {
  local ns pid i
  for ns in $(ip netns list 2>/dev/null | awk -v p="hsnt-$HEARSAY_NETNS_ID-h" 'index($1, p) == 1 {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  # A deleted namespace lingers while orphaned TCP sockets in it time out; its veth pair goes now.
  for i in 1 2 3 4 5 6 7 8 9; do ip link del "hsnt${HEARSAY_NETNS_ID}v$i" 2>/dev/null || true; done
  ip link del "hsnt${HEARSAY_NETNS_ID}br" 2>/dev/null || true
}
trap cleanup EXIT
trap "exit 130" INT TERM

echo "test-netns: 5 namespaces on a bridge, partition + 30 % loss + kills + rolling restart (a few minutes)"
npx vitest run test/netns "$@"

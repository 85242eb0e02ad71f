"""examples/interop.py (the cross-language script) with itself as publisher and subscriber.

The matrix against the other languages is test/e2e/interop.test.ts; this
checks the Python side's command line, output lines and derived fields.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster
from schema_files import REPO

SCRIPT = REPO / "clients" / "python" / "examples" / "interop.py"
COUNT = 25


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def expected(seq: int) -> dict[str, object]:
    return {
        "event": "record",
        "language": "python",
        "seq": seq,
        "text": f"héllo ✓ {seq}",
        "value": seq * 0.5,
        "blob_hex": bytes([seq % 256, (seq * 7) % 256, 255]).hex(),
        "attrs": {"k": str(seq)},
    }


@pytest.mark.parametrize("sub_transport", TRANSPORTS)
@pytest.mark.parametrize("pub_transport", TRANSPORTS)
def test_python_to_python(cluster: Cluster, run_id: str, pub_transport: str, sub_transport: str) -> None:
    sub = start(
        "subscribe",
        "--agent",
        address(cluster[1], sub_transport),
        "--transport",
        sub_transport,
        "--run",
        run_id,
        "--count",
        str(COUNT),
        "--timeout-ms",
        "30000",
    )
    try:
        assert sub.stdout is not None
        ready = sub.stdout.readline()  # blocks until the subscription is established
        assert json.loads(ready) == {"event": "ready"}, ready + (sub.stderr.read() if sub.stderr else "")
        pub = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                "publish",
                "--agent",
                address(cluster[0], pub_transport),
                "--transport",
                pub_transport,
                "--run",
                run_id,
                "--count",
                str(COUNT),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert pub.returncode == 0, pub.stdout + pub.stderr
        assert [json.loads(x) for x in pub.stdout.splitlines()] == [{"event": "published", "count": COUNT}]
        out, err = sub.communicate(timeout=60)
    finally:
        if sub.poll() is None:
            sub.kill()
            sub.wait(10)
    assert sub.returncode == 0, out + err
    lines = [json.loads(x) for x in out.splitlines()]
    assert lines[:-1] == [expected(s) for s in range(COUNT)]
    assert lines[-1] == {"event": "done", "received": COUNT}
    assert '"event":"done"' in out.splitlines()[-1]  # compact JSON, one object per line


def test_subscribe_times_out_with_exit_3(gateway: object, run_id: str) -> None:
    from gateways import Gateway

    assert isinstance(gateway, Gateway)
    t0 = time.monotonic()
    out = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "subscribe",
            "--agent",
            gateway.grpc,
            "--transport",
            "grpc",
            "--run",
            run_id,
            "--count",
            "1",
            "--timeout-ms",
            "1500",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 3, out.stdout + out.stderr
    events = [json.loads(x)["event"] for x in out.stdout.splitlines()]
    assert events == ["ready", "timeout"] and time.monotonic() - t0 < 30

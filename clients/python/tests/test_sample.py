"""examples/hello.py runs against a real gateway and says what it asked and got."""

from __future__ import annotations

import os
import subprocess
import sys

from gateways import Gateway
from schema_files import REPO

SAMPLE = REPO / "clients" / "python" / "examples" / "hello.py"


def run_sample(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SAMPLE), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_sample_asks_over_both_transports(gateway: Gateway) -> None:
    out = run_sample({"HEARSAY_GRPC": gateway.grpc, "HEARSAY_THRIFT": gateway.thrift})
    check_answers(out, gateway)


def test_sample_takes_addresses_as_arguments(gateway: Gateway) -> None:
    # The form `make demo` uses (clients/samples.json): hello.py GRPC THRIFT.
    out = run_sample({"HEARSAY_GRPC": "127.0.0.1:1", "HEARSAY_THRIFT": "127.0.0.1:1"}, gateway.grpc, gateway.thrift)
    check_answers(out, gateway)


def check_answers(out: subprocess.CompletedProcess[str], gateway: Gateway) -> None:
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"asked gateway {gateway.grpc} (gRPC) who it is -> node {gateway.name}" in out.stdout
    assert f"asked gateway {gateway.thrift} (Thrift) who it is -> node {gateway.name}" in out.stdout
    for label in ("gRPC", "Thrift"):
        assert f"[{label}] registered samples.python.Hello" in out.stdout
        assert f"[{label}] published " in out.stdout
        assert out.stdout.count(f"[{label}] received ") == 5
    assert "'hello over Thrift, batched' #5" in out.stdout
    assert "samples.typescript.Hello" in out.stdout  # looked for the other languages' types
    assert "members (watch_members, current): " in out.stdout and "py-n2 (alive)" in out.stdout


def test_sample_fails_plainly_without_a_gateway() -> None:
    out = run_sample({"HEARSAY_GRPC": "127.0.0.1:1", "HEARSAY_THRIFT": ""})
    assert out.returncode == 1
    assert "no answer: UNAVAILABLE" in out.stdout and "Traceback" not in out.stderr

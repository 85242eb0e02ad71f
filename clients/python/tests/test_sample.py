"""examples/hello.py runs against a real gateway and says what it asked and got."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from gateways import Cluster, Gateway
from schema_files import REPO

import hearsay

SAMPLE = REPO / "clients" / "python" / "examples" / "hello.py"
RUBY_HELLO = REPO / "clients" / "ruby" / "examples" / "hello.proto"


@pytest.fixture
def earlier(cluster: Cluster, run_id: str) -> tuple[str, hearsay.PublishResult]:
    """The Ruby sample ran before, at another gateway: (its greeting's text, where it landed)."""
    text = f"from the ruby sample, earlier {run_id}"
    with hearsay.connect(cluster[1].grpc) as c:
        c.register_type_from_file(RUBY_HELLO, "samples.ruby.Hello")
        return text, c.publish("samples.ruby.Hello", json={"text": text, "n": 1})


def run_sample(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SAMPLE), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_sample_asks_over_both_transports(gateway: Gateway, earlier: tuple[str, hearsay.PublishResult]) -> None:
    out = run_sample({"HEARSAY_GRPC": gateway.grpc, "HEARSAY_THRIFT": gateway.thrift})
    check_answers(out, gateway, earlier)


def test_sample_takes_addresses_as_arguments(gateway: Gateway, earlier: tuple[str, hearsay.PublishResult]) -> None:
    # The form `make demo` uses (clients/samples.json): hello.py GRPC THRIFT.
    out = run_sample({"HEARSAY_GRPC": "127.0.0.1:1", "HEARSAY_THRIFT": "127.0.0.1:1"}, gateway.grpc, gateway.thrift)
    check_answers(out, gateway, earlier)


def check_answers(
    out: subprocess.CompletedProcess[str], gateway: Gateway, earlier: tuple[str, hearsay.PublishResult]
) -> None:
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"asked gateway {gateway.grpc} (gRPC) who it is -> node {gateway.name}" in out.stdout
    assert f"asked gateway {gateway.thrift} (Thrift) who it is -> node {gateway.name}" in out.stdout
    for label in ("gRPC", "Thrift"):
        assert f"[{label}] registered samples.python.Hello" in out.stdout
        assert f"[{label}] published " in out.stdout
        assert out.stdout.count(f"[{label}] received ") == 5
    assert "'hello over Thrift, batched' #5" in out.stdout
    assert "samples.typescript.Hello" in out.stdout  # looked for the other languages' types
    # What the Ruby sample published at another gateway, once, read from the earliest until caught up.
    text, published = earlier
    mine = [line for line in out.stdout.splitlines() if "received from ruby at py-n2: " in line and text in line]
    assert len(mine) == 1 and mine[0].endswith(f"({published.id})"), out.stdout
    assert "caught up: " in out.stdout and " digest(s) of the other languages' samples (" in out.stdout
    assert "members (watch_members, current): " in out.stdout and "py-n2 (alive)" in out.stdout


def test_sample_fails_plainly_without_a_gateway() -> None:
    out = run_sample({"HEARSAY_GRPC": "127.0.0.1:1", "HEARSAY_THRIFT": ""})
    assert out.returncode == 1
    assert "no answer: UNAVAILABLE" in out.stdout and "Traceback" not in out.stderr

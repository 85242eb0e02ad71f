"""Fixtures: real gateway processes the tests start themselves, and the tests' message classes."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from gateways import Cluster, Gateway
from schema_files import REPO

import hearsay

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
TRANSPORTS = ["grpc", "thrift"]


def address(gw: Gateway, transport: str) -> str:
    return gw.grpc if transport == "grpc" else gw.thrift


def wait_for(predicate, timeout_s: float, what: str, step_s: float = 0.1):  # type: ignore[no-untyped-def]
    """Polls `predicate` until it returns something truthy (returned), failing after timeout_s."""
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(step_s)
    pytest.fail(f"timed out after {timeout_s} s waiting for {what} (last: {last!r})")


def wait_alive(gw: Gateway, names: set[str], timeout_s: float = 30) -> None:
    with hearsay.connect(gw.grpc, call_timeout_ms=3_000) as c:

        def alive() -> bool:
            try:
                return names <= {m.name for m in c.members(statuses=[hearsay.MemberStatus.ALIVE])}
            except (hearsay.Unavailable, hearsay.DeadlineExceeded):
                return False  # still starting up (a loaded machine can be slow to answer)

        wait_for(alive, timeout_s, f"{gw.name} to see {sorted(names)} alive")


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Three gateways on loopback forming one overlay."""
    c = Cluster([Gateway(f"py-n{i}") for i in (1, 2, 3)])
    try:
        c.start()
        wait_alive(c[0], {"py-n1", "py-n2", "py-n3"})
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="session")
def gateway(cluster: Cluster) -> Gateway:
    return cluster[0]


@pytest.fixture(scope="session")
def lone() -> Iterator[Gateway]:
    """A gateway by itself: no peer to repair from, free to freeze without disturbing the others."""
    g = Gateway("py-lone")
    try:
        yield g.start()
    finally:
        g.thaw() if g.running else None
        g.stop()


@pytest.fixture(scope="session")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Two gateways with data dirs, for tests that stop, restart or freeze one of them."""
    root = tmp_path_factory.mktemp("pair")
    c = Cluster([Gateway("py-ra", data_dir=root / "ra"), Gateway("py-rb", data_dir=root / "rb")])
    try:
        c.start()
        wait_alive(c[0], {"py-ra", "py-rb"})
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="session")
def messages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    """The tests' own message classes, generated now from tests/schemas (protoc and thrift)."""
    out = tmp_path_factory.mktemp("msggen")
    protos = sorted(str(p.relative_to(SCHEMAS / "proto")) for p in (SCHEMAS / "proto").rglob("*.proto"))
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{SCHEMAS / 'proto'}", f"--python_out={out}", *protos],
        check=True,
        cwd=SCHEMAS / "proto",
        timeout=60,
    )
    thrift = shutil.which("thrift")
    if thrift is None:
        pytest.fail("the thrift compiler is missing (scripts/bootstrap installs it)")
    for t in sorted((SCHEMAS / "thrift").glob("*.thrift")):
        subprocess.run([thrift, "--gen", "py", "-out", str(out), str(t)], check=True, timeout=60)
    sys.path.insert(0, str(out))
    try:
        yield {
            "event": importlib.import_module("testing.v1.event_pb2"),
            "common": importlib.import_module("testing.v1.common_pb2"),
            "quote": importlib.import_module("testing_thrift.quote.ttypes"),
            "shared": importlib.import_module("testing_thrift.shared.ttypes"),
        }
    finally:
        sys.path.remove(str(out))


@pytest.fixture(scope="session")
def Event(messages: dict[str, ModuleType]) -> type:  # noqa: N802 - a class
    return messages["event"].Event  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def Quote(messages: dict[str, ModuleType]) -> type:  # noqa: N802 - a class
    return messages["quote"].Quote  # type: ignore[no-any-return]


_runs = iter(range(1, 1_000_000))


@pytest.fixture
def run_id(request: pytest.FixtureRequest) -> str:
    """A run id unique to the test, so receivers can ignore other tests' digests."""
    return f"{request.node.name[:40]}-{next(_runs)}-{time.monotonic_ns() % 1_000_000}"


__all__ = ["REPO", "TRANSPORTS", "address", "wait_for", "wait_alive"]

"""Token authentication (both transports) and TLS / mutual TLS (gRPC) against real gateways."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TRANSPORTS, address
from gateways import Gateway

import hearsay

FULL = "full-token-0123456789abcdef"
READER = "reader-token-0123456789abcdef"

TOKENS = f"""
tokens:
  - name: full
    token: {FULL}
    publish: ["*"]
    subscribe: ["*"]
  - name: reader
    token: {READER}
    publish: []
    subscribe: ["testing.*"]
"""


@pytest.fixture(scope="module")
def token_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    cfg = tmp_path_factory.mktemp("tokens") / "hearsay.yaml"
    cfg.write_text(TOKENS)
    g = Gateway("py-tokens", extra=["--config", str(cfg)])
    try:
        yield g.start()
    finally:
        g.stop()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_no_token_and_unknown_token_are_unauthenticated(token_gateway: Gateway, transport: str) -> None:
    addr = address(token_gateway, transport)
    for token in (None, "not-a-known-token-0123"):
        with hearsay.connect(addr, transport=transport, token=token) as c:  # type: ignore[arg-type]
            with pytest.raises(hearsay.Unauthenticated) as raised:
                c.info()
            assert raised.value.code == 16 and raised.value.message


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_token_works_within_its_allow_lists(token_gateway: Gateway, Event: type, run_id: str, transport: str) -> None:
    addr = address(token_gateway, transport)
    with (
        hearsay.connect(addr, transport=transport, token=FULL) as writer,  # type: ignore[arg-type]
        hearsay.connect(addr, transport=transport, token=READER) as reader,  # type: ignore[arg-type]
    ):
        writer.register_type(Event)
        with reader.subscribe(Event) as sub:
            sub.wait_started(timeout=15)
            res = writer.publish(Event(run=run_id, seq=1))
            d = sub.get(timeout=20)
        assert d is not None and d.kind == "digest" and d.id == res.id
        with pytest.raises(hearsay.PermissionDenied) as denied:
            reader.publish(Event(run=run_id, seq=2))
        assert denied.value.code == 7 and "testing.v1.Event" in denied.value.message
        with pytest.raises(hearsay.PermissionDenied):
            reader.register_type(Event)  # registering needs the right to publish


def test_a_subscription_outside_the_allow_list_is_refused(token_gateway: Gateway, Quote: type) -> None:
    with (
        hearsay.connect(token_gateway.grpc, token=FULL) as writer,
        hearsay.connect(token_gateway.grpc, token=READER) as reader,
    ):
        writer.register_type(Quote)
        sub = reader.subscribe(Quote)
        with pytest.raises(hearsay.PermissionDenied):
            sub.wait_started(timeout=15)


# -- TLS ------------------------------------------------------------------------------------


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 / localhost and a client certificate, made now."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the TLS test certificates")
    d = tmp_path_factory.mktemp("pki")
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=hearsay test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        cwd=d,
    )
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for who, ext in (("server", ["-extfile", "server.ext"]), ("client", [])):
        openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN=hearsay test {who}",
            "-keyout",
            f"{who}.key",
            "-out",
            f"{who}.csr",
            cwd=d,
        )
        openssl(
            "x509",
            "-req",
            "-in",
            f"{who}.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            f"{who}.pem",
            *ext,
            cwd=d,
        )
    # A second CA the gateway does not trust, for a client certificate it must refuse.
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=stranger",
        "-keyout",
        "stranger.key",
        "-out",
        "stranger.pem",
        cwd=d,
    )
    return d


@pytest.fixture(scope="module")
def tls_gateway(pki: Path) -> Iterator[Gateway]:
    g = Gateway(
        "py-tls",
        extra=[
            "--tls-cert",
            str(pki / "server.pem"),
            "--tls-key",
            str(pki / "server.key"),
            "--tls-client-ca",
            str(pki / "ca.pem"),
        ],
    )
    try:
        yield g.start()
    finally:
        g.stop()


def test_mutual_tls_round_trip(tls_gateway: Gateway, pki: Path, Event: type, run_id: str) -> None:
    tls = hearsay.TlsOptions(
        ca=(pki / "ca.pem").read_bytes(), cert=(pki / "client.pem").read_bytes(), key=(pki / "client.key").read_bytes()
    )
    with hearsay.connect(tls_gateway.grpc, tls=tls) as c:
        assert c.info().node_name == "py-tls"
        c.register_type(Event)
        with c.subscribe(Event) as sub:
            sub.wait_started(timeout=15)
            res = c.publish(Event(run=run_id, seq=1))
            d = sub.get(timeout=20)
    assert d is not None and d.kind == "digest" and d.id == res.id


def test_tls_server_name_override(tls_gateway: Gateway, pki: Path) -> None:
    port = tls_gateway.grpc.rsplit(":", 1)[1]
    tls = hearsay.TlsOptions(
        ca=(pki / "ca.pem").read_bytes(),
        cert=(pki / "client.pem").read_bytes(),
        key=(pki / "client.key").read_bytes(),
        server_name="localhost",
    )
    with hearsay.connect(f"127.0.0.1:{port}", tls=tls) as c:
        assert c.info().node_name == "py-tls"


@pytest.mark.parametrize("case", ["plaintext", "no client certificate", "untrusted client certificate", "unknown CA"])
def test_tls_refusals_are_unavailable(tls_gateway: Gateway, pki: Path, case: str) -> None:
    ca = (pki / "ca.pem").read_bytes()
    tls: hearsay.TlsOptions | None = {
        "plaintext": None,
        "no client certificate": hearsay.TlsOptions(ca=ca),
        "untrusted client certificate": hearsay.TlsOptions(
            ca=ca, cert=(pki / "stranger.pem").read_bytes(), key=(pki / "stranger.key").read_bytes()
        ),
        "unknown CA": hearsay.TlsOptions(
            ca=(pki / "stranger.pem").read_bytes(),
            cert=(pki / "client.pem").read_bytes(),
            key=(pki / "client.key").read_bytes(),
        ),
    }[case]
    with hearsay.connect(tls_gateway.grpc, tls=tls, call_timeout_ms=5_000) as c:
        with pytest.raises(hearsay.HearsayError) as raised:
            c.info()
    assert isinstance(raised.value, hearsay.Unavailable), repr(raised.value)


def test_tls_on_the_thrift_transport_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match="tls"):
        hearsay.connect("127.0.0.1:1", transport="thrift", tls=True)

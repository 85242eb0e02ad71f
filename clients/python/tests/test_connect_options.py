"""connect()'s argument checks, made before any network I/O."""

from __future__ import annotations

import pytest

import hearsay
from hearsay._address import split_host_port


def test_defaults_to_grpc_on_the_agent_default_port() -> None:
    with hearsay.connect() as client:
        assert (client.transport, client.address, client.overlay) == ("grpc", "127.0.0.1:7400", "")


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1:7400", ("127.0.0.1", 7400)), ("[::1]:9", ("::1", 9)), ("gw.local:1", ("gw.local", 1))],
)
def test_split_host_port(address: str, expected: tuple[str, int]) -> None:
    assert split_host_port(address) == expected


@pytest.mark.parametrize("address", ["7400", ":7400", "host:", "host:x", "host:70000", "::1:7400"])
def test_split_host_port_refuses(address: str) -> None:
    with pytest.raises(ValueError):
        split_host_port(address)


def test_thrift_needs_an_address_and_no_tls() -> None:
    with pytest.raises(ValueError, match="Thrift address"):
        hearsay.connect(transport="thrift")
    with pytest.raises(ValueError, match="gRPC transport only"):
        hearsay.connect("127.0.0.1:1", transport="thrift", tls=True)


def test_unknown_transport_and_bad_timeout() -> None:
    with pytest.raises(ValueError, match="transport"):
        hearsay.connect("127.0.0.1:1", transport="http")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="call_timeout_ms"):
        hearsay.connect("127.0.0.1:1", call_timeout_ms=0)


def test_tls_options() -> None:
    with pytest.raises(ValueError, match="cert and key"):
        hearsay.TlsOptions(cert=b"pem")
    with hearsay.connect("127.0.0.1:1", tls=hearsay.TlsOptions(server_name="gw")) as client:
        assert client.transport == "grpc"

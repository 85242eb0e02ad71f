"""The SDK against a real gateway process (see conftest.py), over both transports."""

from __future__ import annotations

import dataclasses
import socket
import time

import pytest
from conftest import Gateway

import hearsay
from hearsay._stubs import gateway_pb2, thrift_types

TRANSPORTS = ["grpc", "thrift"]


def address(gw: Gateway, transport: str) -> str:
    return gw.grpc if transport == "grpc" else gw.thrift


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_info(gateway: Gateway, transport: str) -> None:
    with hearsay.connect(address(gateway, transport), transport=transport) as client:  # type: ignore[arg-type]
        info = client.info()
    assert info.node_name == gateway.name
    assert info.overlay == "default"
    assert info.api_version == 1
    assert info.version and info.protocol_version >= 1
    assert info.alive_members >= 1
    assert info.limits.max_digest_bytes > 0 and info.limits.max_batch_digests > 0
    assert "info" in info.features


def test_both_transports_tell_the_same(gateway: Gateway) -> None:
    with (
        hearsay.connect(gateway.grpc) as over_grpc,
        hearsay.connect(gateway.thrift, transport="thrift") as over_thrift,
    ):
        a, b = over_grpc.info(), over_thrift.info()
    assert dataclasses.replace(a, uptime_ms=0) == dataclasses.replace(b, uptime_ms=0)


def call_pending_operation(client: hearsay.Client) -> None:
    """ListServices, which the gateway does not offer yet (issue #9), through the SDK's own call path.

    The SDK has no public method for it yet (it comes with the SDK issue), so
    this goes one level down, to the transport every public method uses.
    """
    if client.transport == "grpc":
        client._wire.unary("ListServices", gateway_pb2.ListServicesRequest())  # type: ignore[attr-defined]
    else:
        client._wire.call("listServices", thrift_types.ListServicesRequest())  # type: ignore[attr-defined]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_unimplemented_operation_raises_unimplemented(gateway: Gateway, transport: str) -> None:
    with hearsay.connect(address(gateway, transport), transport=transport) as client:  # type: ignore[arg-type]
        with pytest.raises(hearsay.Unimplemented) as raised:
            call_pending_operation(client)
        # The connection stays usable after a refused call.
        assert client.info().node_name == gateway.name
    assert raised.value.code == 12 and raised.value.code_name == "UNIMPLEMENTED"
    assert "ListServices" in raised.value.message


def test_both_transports_carry_the_same_message(gateway: Gateway) -> None:
    messages = []
    for transport in TRANSPORTS:
        with hearsay.connect(address(gateway, transport), transport=transport) as client:  # type: ignore[arg-type]
            with pytest.raises(hearsay.Unimplemented) as raised:
                call_pending_operation(client)
            messages.append(raised.value.message)
    assert messages[0] == messages[1]


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"127.0.0.1:{port}"  # nothing listens once the socket is closed


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_closed_port_raises_unavailable_quickly(transport: str) -> None:
    start = time.monotonic()
    with hearsay.connect(closed_port(), transport=transport, call_timeout_ms=3_000) as client:  # type: ignore[arg-type]
        with pytest.raises(hearsay.Unavailable) as raised:
            client.info()
    assert time.monotonic() - start < 3.0, "refused connection should fail fast, not wait for the deadline"
    assert raised.value.code == 14 and raised.value.message


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_closed_client_refuses_calls(gateway: Gateway, transport: str) -> None:
    client = hearsay.connect(address(gateway, transport), transport=transport)  # type: ignore[arg-type]
    client.close()
    client.close()  # idempotent
    with pytest.raises(RuntimeError):
        client.info()

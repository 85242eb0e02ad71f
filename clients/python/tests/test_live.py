"""The SDK against a real gateway process (see conftest.py), over both transports."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import TRANSPORTS, address
from gateways import Gateway

import hearsay


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
    assert {"info", "publish", "subscribe", "members", "services"} <= set(info.features)


def test_both_transports_tell_the_same(gateway: Gateway) -> None:
    with (
        hearsay.connect(gateway.grpc) as over_grpc,
        hearsay.connect(gateway.thrift, transport="thrift") as over_thrift,
    ):
        a, b = over_grpc.info(), over_thrift.info()
    assert dataclasses.replace(a, uptime_ms=0, alive_members=0) == dataclasses.replace(b, uptime_ms=0, alive_members=0)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_closed_client_refuses_calls(gateway: Gateway, transport: str) -> None:
    client = hearsay.connect(address(gateway, transport), transport=transport)  # type: ignore[arg-type]
    client.close()
    client.close()  # idempotent
    with pytest.raises(RuntimeError):
        client.info()

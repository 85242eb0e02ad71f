"""A TTL refresh in flight when the application deregisters must not register the
instance again: real gateways, with the keeper's refresh call slowed down so it is in
flight at the moment of the deregister, over gRPC and Thrift, threaded and asyncio."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster

import hearsay
import hearsay.aio
from hearsay import ServiceEventKind as SK
from hearsay._wire import ServiceSpec

TTL_MS = 500  # the gateway's minimum: a refresh every ~167 ms
IN_FLIGHT_S = 0.3  # how long each refresh takes to be sent and answered
ROUNDS = 3


def slow_refreshes(c: hearsay.Client) -> threading.Event:
    """Delays every refresh of `c`'s keeper by IN_FLIGHT_S before it is sent (a slow
    link); the event is set when one starts."""
    started = threading.Event()
    register = c._keeper._register

    def slow(spec: ServiceSpec) -> object:
        started.set()
        time.sleep(IN_FLIGHT_S)
        return register(spec)

    c._keeper._register = slow
    return started


def assert_stays_gone(watch: Any, lister: hearsay.Client, name: str, sid: str) -> None:
    """The watch reaches the instance's DEREGISTERED, then says nothing of it for 2 x TTL,
    and the catalog does not list it meanwhile."""
    deadline = time.monotonic() + 10
    while True:
        e = next_or_none(watch, deadline - time.monotonic())
        assert e is not None or time.monotonic() < deadline, f"no DEREGISTERED for {sid} within 10 s"
        if e is not None and e.kind == SK.DEREGISTERED and e.instance is not None and e.instance.id == sid:
            break
    quiet_until = time.monotonic() + 2 * TTL_MS / 1000
    while (left := quiet_until - time.monotonic()) > 0:
        assert lister.services(name) == [], f"{sid} is back after its deregister"
        e = next_or_none(watch, min(left, 0.1))
        assert e is None or e.instance is None or e.instance.id != sid, f"{sid} came back: {e}"


def next_or_none(watch: Any, timeout_s: float) -> Any:
    try:
        e = watch.get(timeout=max(0.01, timeout_s))
    except TimeoutError:
        return None
    assert e is not None, "watch ended"
    return e


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_deregister_outlives_a_refresh_in_flight(cluster: Cluster, transport: str) -> None:
    name = f"py-race-{transport}-{time.monotonic_ns() % 100_000}"
    addr = address(cluster[0], transport)
    with (
        hearsay.connect(addr, transport=transport) as c,  # type: ignore[arg-type]
        hearsay.connect(cluster[0].grpc) as watcher,
        watcher.watch_services(name, include_current=False) as watch,
    ):
        started = slow_refreshes(c)
        for i in range(ROUNDS):
            s = c.register_service(name, 9000 + i, ttl_ms=TTL_MS)
            started.clear()
            assert started.wait(5), "no refresh started"
            t0 = time.monotonic()
            assert c.deregister_service(name, s.id) is True
            assert time.monotonic() - t0 >= IN_FLIGHT_S / 2, "deregister did not wait for the refresh in flight"
            assert c._keeper.kept == []
            assert_stays_gone(watch, watcher, name, s.id)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_close_deregisters_after_the_refresh_in_flight(cluster: Cluster, transport: str) -> None:
    name = f"py-race-close-{transport}-{time.monotonic_ns() % 100_000}"
    with hearsay.connect(cluster[0].grpc) as watcher, watcher.watch_services(name, include_current=False) as watch:
        c = hearsay.connect(address(cluster[0], transport), transport=transport)  # type: ignore[arg-type]
        started = slow_refreshes(c)
        s = c.register_service(name, 9100, ttl_ms=TTL_MS)
        started.clear()
        assert started.wait(5)
        c.close()
        assert_stays_gone(watch, watcher, name, s.id)


def test_aio_deregister_outlives_a_refresh_in_flight(cluster: Cluster) -> None:
    name = f"py-race-aio-{time.monotonic_ns() % 100_000}"
    started: list[float] = []

    async def main() -> None:
        async with hearsay.aio.connect(cluster[0].grpc) as c:
            call = c._call

            async def slow_call(unary: Any) -> Any:
                if unary.method != "RegisterService":
                    return await call(unary)
                started.append(time.monotonic())

                async def late() -> Any:
                    await asyncio.sleep(IN_FLIGHT_S)
                    return await call(unary)

                # Shielded: like a request already on the wire, cancelling the caller does not recall it.
                return await asyncio.shield(late())

            c._call = slow_call  # type: ignore[method-assign]
            for i in range(ROUNDS):
                s = await c.register_service(name, 9200 + i, ttl_ms=TTL_MS)
                n = len(started)
                while len(started) == n:  # the first refresh has started
                    await asyncio.sleep(0.005)
                # Two deregisters at once: both return only after the refresh, both after one removal.
                removed = await asyncio.gather(c.deregister_service(name, s.id), c.deregister_service(name, s.id))
                assert sorted(removed) == [False, True]
                await asyncio.sleep(2 * TTL_MS / 1000)
                assert await c.services(name) == [], f"{s.id} is back after its deregister"

    asyncio.run(asyncio.wait_for(main(), 60))

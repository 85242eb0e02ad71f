"""End of snapshot on member and service watches: CURRENT events, one SNAPSHOT_END, then
live ones; wait_snapshot() answers the current set, [] for an empty one. Real gateways,
gRPC and Thrift, threaded and asyncio."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster

import hearsay
import hearsay.aio
from hearsay import MemberEventKind as MK
from hearsay import ServiceEventKind as SK


def svc_name(transport: str) -> str:
    return f"py-snap-{transport}-{time.monotonic_ns() % 1_000_000}"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_member_watch_current_events_then_one_snapshot_end(cluster: Cluster, transport: str) -> None:
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        with c.watch_members(include_current=True) as watch:
            events = []
            while not events or events[-1].kind != MK.SNAPSHOT_END:
                e = watch.get(timeout=10)
                assert e is not None
                events.append(e)
            assert all(e.kind == MK.CURRENT for e in events[:-1])
            assert {"py-n1", "py-n2", "py-n3"} <= {e.member.name for e in events[:-1] if e.member}
            assert events[-1].member is None and events[-1].time_ms > 0
            # The end was read by iterating: wait_snapshot() answers at once, from those events.
            names = {m.name for m in watch.wait_snapshot(timeout=0)}
            assert names == {e.member.name for e in events[:-1] if e.member}
            with pytest.raises(TimeoutError):
                watch.get(timeout=0.3)  # exactly one SNAPSHOT_END, nothing else without a change


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_empty_set_is_told_apart_from_not_yet(cluster: Cluster, transport: str) -> None:
    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        with c.watch_members(include_current=True, tags={"role": "nobody"}) as watch:
            assert watch.wait_snapshot() == []
        with c.watch_services(svc_name(transport), include_current=True) as watch:
            e = watch.get(timeout=10)
            assert e is not None and (e.kind, e.instance, e.instances) == (SK.SNAPSHOT_END, None, ())
        with c.watch_members(include_current=False) as watch:
            e = watch.get(timeout=10)
            assert e is not None and e.kind == MK.SNAPSHOT_END  # first, without include_current


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_service_watch_snapshot_then_live_changes(cluster: Cluster, transport: str) -> None:
    name = svc_name(transport)
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        a = c.register_service(name, 7101)
        b = c.register_service(name, 7102, id="snap-b")
        with c.watch_services(name, include_current=True) as watch:
            current = watch.wait_snapshot()
            assert sorted(s.id for s in current) == sorted([a.id, b.id])
            assert c.deregister_service(name, b.id) is True
            e = watch.get(timeout=10)
            assert e is not None and e.kind == SK.DEREGISTERED and e.instance is not None
            assert e.instance.id == b.id and [s.id for s in e.instances] == [a.id]
        with c.watch_services(name) as watch:  # include_current defaults to True here
            first = [watch.get(timeout=10) for _ in range(2)]
            assert [e.kind for e in first if e] == [SK.CURRENT, SK.SNAPSHOT_END]
            assert first[1] is not None and [s.id for s in first[1].instances] == [a.id]
        assert c.deregister_service(name, a.id) is True


def test_wait_snapshot_on_a_closed_watch_raises_cancelled(cluster: Cluster) -> None:
    with hearsay.connect(cluster[0].grpc) as c:
        watch = c.watch_members(include_current=True)
        watch.close()
        with pytest.raises(hearsay.Cancelled):
            watch.wait_snapshot()


def test_aio_wait_snapshot(cluster: Cluster) -> None:
    name = svc_name("aio")

    async def main() -> None:
        async with hearsay.aio.connect(cluster[2].grpc) as c:
            async with c.watch_members(include_current=True) as watch:
                members = await watch.wait_snapshot()
                assert {"py-n1", "py-n2", "py-n3"} <= {m.name for m in members}
                assert await watch.wait_snapshot() == members  # the same answer again
            async with c.watch_services(name, include_current=True) as watch:
                assert await watch.wait_snapshot() == []
                s = await c.register_service(name, 7201)
                e = await watch.get(10)
                assert e is not None and e.kind == SK.REGISTERED and e.instance is not None
                assert e.instance.id == s.id
                await c.deregister_service(name, s.id)
            async with c.watch_members(include_current=True) as watch:
                e = await watch.get(10)  # iterating feeds the snapshot too
                assert e is not None and e.kind == MK.CURRENT
                rest = await watch.wait_snapshot()
                assert e.member is not None and e.member.name in {m.name for m in rest}

    asyncio.run(asyncio.wait_for(main(), 60))

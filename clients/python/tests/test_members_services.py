"""Members and the service catalog through real gateways, over gRPC and over Thrift."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest
from conftest import TRANSPORTS, address, wait_for
from gateways import Cluster, Gateway

import hearsay
from hearsay import MemberEventKind as MK
from hearsay import ServiceEventKind as SK

_names = itertools.count(1)


def next_event(watch: Any, want: Any, timeout_s: float = 30) -> Any:
    """The next event `want(e)` accepts, skipping others (bounded)."""
    deadline = time.monotonic() + timeout_s
    seen = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"no matching event within {timeout_s} s; saw {seen}")
        try:
            e = watch.get(timeout=left)
        except TimeoutError:
            continue
        assert e is not None, "watch ended"
        if want(e):
            return e
        seen.append((e.kind.name, getattr(getattr(e, "member", None), "name", None)))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_members_lists_the_overlay(cluster: Cluster, transport: str) -> None:
    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        members = c.members()
        alive = c.members(statuses=[hearsay.MemberStatus.ALIVE])
        tagged = c.members(tags={"no-such-tag": "x"})
    assert {"py-n1", "py-n2", "py-n3"} <= {m.name for m in alive}
    assert [m.name for m in members] == sorted(m.name for m in members)
    me = next(m for m in members if m.name == "py-n2")
    assert me.address == cluster[1].gossip and me.status == hearsay.MemberStatus.ALIVE and me.protocol_version >= 1
    assert tagged == []


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_watch_members_sees_current_then_join_and_leave(cluster: Cluster, transport: str) -> None:
    name = f"py-w{next(_names)}-{transport}"
    newcomer = Gateway(name)
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        with c.watch_members(include_current=True) as watch:
            current = watch.wait_snapshot()
            alive = {m.name for m in current if m.status == hearsay.MemberStatus.ALIVE}
            assert alive == {"py-n1", "py-n2", "py-n3"}

            def about(e: hearsay.MemberEvent, *kinds: MK) -> bool:
                return e.member is not None and e.member.name == name and e.kind in kinds

            try:
                newcomer.start(join=cluster[0].gossip)
                joined = next_event(watch, lambda e: about(e, MK.JOIN, MK.ALIVE, MK.UPDATE))
                assert joined.time_ms > 0
            finally:
                newcomer.stop()
            left = next_event(watch, lambda e: about(e, MK.LEAVE, MK.FAIL))
    assert left.member.status in (hearsay.MemberStatus.LEFT, hearsay.MemberStatus.DEAD)


def svc_name(transport: str) -> str:
    return f"py-svc-{transport}-{next(_names)}-{time.monotonic_ns() % 100_000}"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_service_registered_at_one_gateway_is_seen_and_watched_at_another(cluster: Cluster, transport: str) -> None:
    name = svc_name(transport)
    with (
        hearsay.connect(address(cluster[1], transport), transport=transport) as watcher,  # type: ignore[arg-type]
        watcher.watch_services(name) as watch,
    ):
        owner = hearsay.connect(address(cluster[0], transport), transport=transport)  # type: ignore[arg-type]
        try:
            s = owner.register_service(name, 9092, tags={"version": "3"}, ttl_ms=2_000)
            assert (s.name, s.port, s.node, s.tags) == (name, 9092, "py-n1", {"version": "3"})
            assert s.id == f"py-n1:{name}:9092" and s.health == hearsay.ServiceHealth.PASSING
            reg = next_event(watch, lambda e: e.kind in (SK.REGISTERED, SK.CURRENT) and e.instance is not None)
            assert reg.instance.id == s.id and [i.id for i in reg.instances] == [s.id]
            listed = wait_for(lambda: watcher.services(name), 20, f"{name} listed at py-n2")
            assert [x.id for x in listed] == [s.id]
            # The SDK refreshes it every ttl/3: past several TTLs it is still passing.
            time.sleep(5)
            (still,) = watcher.services(name, passing_only=True)
            assert still.health == hearsay.ServiceHealth.PASSING
        finally:
            owner.close()  # deregisters what it kept alive
        gone = next_event(watch, lambda e: e.kind in (SK.DEREGISTERED, SK.EXPIRED))
        assert gone.instance is not None and gone.instance.id == s.id and gone.instances == ()
        wait_for(lambda: watcher.services(name) == [], 20, f"{name} gone at py-n2")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_deregister_and_registrations_without_ttl(cluster: Cluster, transport: str) -> None:
    name = svc_name(transport)
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        s = c.register_service(name, 8080, id="one", address="10.0.0.7")
        assert (s.id, s.address, s.ttl_ms) == ("one", "10.0.0.7", 0)
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        (kept,) = c.services(name)  # no TTL: outlives the client that registered it
        assert kept.id == "one"
        assert c.deregister_service(name, "one") is True
        assert c.deregister_service(name, "one") is False
        assert c.services(name) == []


def test_a_ttl_instance_nobody_refreshes_turns_critical_then_expires(cluster: Cluster) -> None:
    name = svc_name("grpc")
    c = hearsay.connect(cluster[0].grpc)
    with hearsay.connect(cluster[0].grpc) as watcher, watcher.watch_services(name) as watch:
        c.register_service(name, 1234, ttl_ms=1_000)
        c._keeper.stop(deregister=False)  # the client "dies": no refresh, no deregistration
        critical = next_event(
            watch, lambda e: e.instance is not None and e.instance.health == hearsay.ServiceHealth.CRITICAL
        )
        assert critical.kind == SK.UPDATED
        next_event(watch, lambda e: e.kind == SK.EXPIRED)
    c.close()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_service_refusals(cluster: Cluster, transport: str) -> None:
    with hearsay.connect(address(cluster[0], transport), transport=transport) as c:  # type: ignore[arg-type]
        with pytest.raises(hearsay.InvalidArgument) as raised:
            c.register_service("-bad name", 80)
        assert "name" in raised.value.message
        with pytest.raises(hearsay.InvalidArgument):
            c.register_service("py-ok", 80, ttl_ms=10)  # below the gateway's minimum TTL

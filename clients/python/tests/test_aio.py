"""hearsay.aio (grpc.aio) against real gateways: the same flows, awaited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import pytest
from conftest import wait_alive
from gateways import Cluster

import hearsay
import hearsay.aio


def run(coro: Coroutine[Any, Any, Any], timeout_s: float = 60) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout_s))


def test_register_publish_subscribe(cluster: Cluster, Event: type, run_id: str) -> None:
    async def main() -> list[hearsay.DigestDelivery]:
        async with hearsay.aio.connect(cluster[0].grpc) as pub, hearsay.aio.connect(cluster[1].grpc) as sc:
            assert (await pub.info()).node_name == "py-n1"
            t = await pub.register_type(Event)
            assert t.name == "testing.v1.Event"
            got: list[hearsay.DigestDelivery] = []
            async with sc.subscribe([Event], include_json=True) as sub:
                assert await sub.wait_started(15)
                first = await pub.publish(Event(run=run_id, seq=1), headers={"h": "1"})
                rest = await pub.publish_batch([Event(run=run_id, seq=s) for s in (2, 3)])
                async for d in sub:
                    assert d.kind == "digest"
                    if d.message.run == run_id:
                        got.append(d)
                    if len(got) == 3:
                        break
                assert sub.cursor == got[-1].cursor
            assert [d.id for d in got] == [first.id] + [r.id for r in rest]
            return got

    got = run(main())
    assert [d.message.seq for d in got] == [1, 2, 3] and got[0].headers == {"h": "1"} and got[0].json


def test_errors_are_the_same_classes(cluster: Cluster) -> None:
    async def main() -> None:
        async with hearsay.aio.connect(cluster[0].grpc) as c:
            with pytest.raises(hearsay.NotFound):
                await c.publish("no.such.Type", b"x")
            with pytest.raises(hearsay.NotFound):
                await c.get_type("no.such.Type")
            sub = c.subscribe("no.such.Type")
            with pytest.raises(hearsay.NotFound):
                await sub.wait_started(15)
            with pytest.raises(ValueError, match="start"):
                c.subscribe("x.Y", start="middle")  # type: ignore[arg-type]
        async with hearsay.aio.connect("127.0.0.1:1", call_timeout_ms=2_000) as dead:
            with pytest.raises(hearsay.Unavailable):
                await dead.info()

    run(main())


def test_members_and_services(cluster: Cluster) -> None:
    name = f"py-aio-svc-{time.monotonic_ns() % 100_000}"

    async def main() -> None:
        async with hearsay.aio.connect(cluster[0].grpc) as c:
            assert {"py-n1", "py-n2", "py-n3"} <= {m.name for m in await c.members()}
            async with c.watch_members(include_current=True) as watch:
                e = await watch.get(10)
                assert e is not None and e.kind == hearsay.MemberEventKind.CURRENT
            async with c.watch_services(name) as watch:
                assert await watch.wait_snapshot() == []  # nothing yet, and the watch is in place
                s = await c.register_service(name, 7000, ttl_ms=1_500)
                e = await watch.get(20)
                assert e is not None and e.instance is not None and e.instance.id == s.id
                await asyncio.sleep(3)  # refreshed by the client's task meanwhile
                (listed,) = await c.services(name, passing_only=True)
                assert listed.health == hearsay.ServiceHealth.PASSING
                assert await c.deregister_service(name, s.id) is True
                assert await c.services(name) == []

    run(main())


def test_subscription_resumes_after_its_gateway_restarts(pair: Cluster, Event: type, run_id: str) -> None:
    retries: list[hearsay.HearsayError] = []
    a, b = pair[0], pair[1]

    async def take(sub: Any, upto: int, seqs: list[int]) -> None:
        async for d in sub:
            assert d.kind == "digest", d
            if d.message.run == run_id:
                seqs.append(d.message.seq)
            if seqs and seqs[-1] == upto:
                return

    async def main() -> list[int]:
        fast = hearsay.ReconnectOptions(initial_delay_ms=100, max_delay_ms=1_000)
        async with hearsay.aio.connect(a.grpc) as pub, hearsay.aio.connect(b.grpc, call_timeout_ms=3_000) as sc:
            await pub.register_type(Event)
            sub = sc.subscribe(Event, reconnect=fast, on_retry=lambda e, n, d: retries.append(e))
            await sub.wait_started(15)
            await pub.publish_batch([Event(run=run_id, seq=s) for s in range(1, 11)])
            seqs: list[int] = []
            await take(sub, 10, seqs)
            await asyncio.to_thread(b.stop)
            await pub.publish_batch([Event(run=run_id, seq=s) for s in range(11, 21)])
            await asyncio.to_thread(b.start, a.gossip)
            await asyncio.to_thread(wait_alive, a, {"py-ra", "py-rb"})
            await pub.publish_batch([Event(run=run_id, seq=s) for s in range(21, 31)])
            await asyncio.wait_for(take(sub, 30, seqs), 60)
            sub.close()
            return seqs

    assert run(main(), 120) == list(range(1, 31))
    assert retries and all(hearsay.is_retryable(e) for e in retries)

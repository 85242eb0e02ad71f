"""The TTL keepers with a fake register call that blocks until released: a deregister
waits for the refresh in flight, and nothing refreshes after it."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import hearsay
from hearsay._service_keeper import ServiceKeeper
from hearsay._wire import ServiceSpec
from hearsay.aio._service_keeper import KeptService

KEY = ("svc", "one")
SPEC = ServiceSpec("svc", "one", "", 80, {}, 30)  # refreshed every 10 ms


class FakeGateway:
    """register() blocks until release(); what happened, in order, goes to `log`."""

    def __init__(self, fail: bool = False) -> None:
        self.log: list[str] = []
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.fail = fail
        self.lock = threading.Lock()

    def register(self, spec: ServiceSpec) -> None:
        self._note("refresh sent")
        self.entered.set()
        assert self.gate.wait(10)
        self._note("refresh answered")
        if self.fail:
            raise hearsay.Unavailable("gateway gone")

    def deregister(self, name: str, sid: str) -> bool:
        self._note(f"deregister {name}/{sid}")
        return True

    def _note(self, what: str) -> None:
        with self.lock:
            self.log.append(what)


def in_thread(fn: object) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)  # type: ignore[arg-type]
    t.start()
    return t


@pytest.mark.parametrize("fail", [False, True], ids=["answered", "failed"])
def test_forget_waits_for_the_refresh_in_flight_and_nothing_refreshes_after(fail: bool) -> None:
    gw = FakeGateway(fail)
    keeper = ServiceKeeper(gw.register, gw.deregister)
    keeper.keep(KEY, SPEC)
    assert gw.entered.wait(5)
    # Two deregisters at once: both wait for the refresh.
    forgets = [in_thread(lambda: (keeper.forget(KEY), gw.deregister(*KEY))) for _ in range(2)]
    time.sleep(0.2)
    assert all(t.is_alive() for t in forgets), "forget returned with a refresh in flight"
    assert gw.log == ["refresh sent"]
    gw.gate.set()
    for t in forgets:
        t.join(5)
        assert not t.is_alive()
    time.sleep(0.2)  # 20 refresh periods: none may start
    assert gw.log == ["refresh sent", "refresh answered", "deregister svc/one", "deregister svc/one"]
    assert keeper.kept == []
    keeper.stop(deregister=True)
    assert gw.log[-1] == "deregister svc/one"  # nothing kept: stop deregistered nothing more


def test_stop_with_deregister_waits_for_the_refresh_in_flight() -> None:
    gw = FakeGateway()
    keeper = ServiceKeeper(gw.register, gw.deregister)
    keeper.keep(KEY, SPEC)
    assert gw.entered.wait(5)
    stopping = in_thread(lambda: keeper.stop(deregister=True))
    time.sleep(0.2)
    assert stopping.is_alive() and gw.log == ["refresh sent"]
    gw.gate.set()
    stopping.join(5)
    time.sleep(0.1)
    assert gw.log == ["refresh sent", "refresh answered", "deregister svc/one"]


def test_forget_of_another_instance_does_not_wait() -> None:
    gw = FakeGateway()
    keeper = ServiceKeeper(gw.register, gw.deregister)
    keeper.keep(KEY, SPEC)
    keeper.keep(("svc", "two"), ServiceSpec("svc", "two", "", 81, {}, 60_000))
    assert gw.entered.wait(5)
    t0 = time.monotonic()
    keeper.forget(("svc", "two"))
    assert time.monotonic() - t0 < 0.1
    gw.gate.set()
    keeper.stop(deregister=False)


def test_async_stop_waits_for_the_refresh_in_flight_and_nothing_refreshes_after() -> None:
    log: list[str] = []

    async def main() -> None:
        entered, gate = asyncio.Event(), asyncio.Event()

        async def refresh() -> None:
            log.append("refresh sent")
            entered.set()
            await gate.wait()
            log.append("refresh answered")
            raise hearsay.Unavailable("a failed refresh resurrects nothing")

        kept = KeptService(refresh, 0.01)
        await asyncio.wait_for(entered.wait(), 5)
        stops = [asyncio.create_task(kept.stop()) for _ in range(2)]
        await asyncio.sleep(0.2)
        assert not any(s.done() for s in stops), "stop returned with a refresh in flight"
        gate.set()
        await asyncio.wait_for(asyncio.gather(*stops), 5)
        log.append("deregister")
        await asyncio.sleep(0.2)
        await kept.stop()  # again: at once

    asyncio.run(asyncio.wait_for(main(), 30))
    assert log == ["refresh sent", "refresh answered", "deregister"]

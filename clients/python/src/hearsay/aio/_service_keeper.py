"""Keeps one TTL service registration of the asyncio client alive."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

__all__ = ["KeptService"]


class KeptService:
    """Re-registers one instance every ttl/3 on a task of the running loop.

    The task is never cancelled in the middle of a refresh: a cancelled RPC may still
    reach the gateway, after the DeregisterService that follows. stop() ends the task
    and returns once the refresh in flight, if any, has been answered.
    """

    def __init__(self, refresh: Callable[[], Awaitable[object]], period_s: float) -> None:
        self._refresh = refresh
        self._period_s = period_s
        self._stopping = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._period_s)
                return
            with contextlib.suppress(Exception):  # retried in ttl/3; the gateway marks it critical if all fail
                await self._refresh()

    async def stop(self) -> None:
        """No refresh starts after this is called; returns once none is in flight. Safe
        to call more than once, concurrently too."""
        self._stopping.set()
        # Shielded: a caller cancelled while waiting must not cancel the refresh itself.
        await asyncio.shield(self._task)

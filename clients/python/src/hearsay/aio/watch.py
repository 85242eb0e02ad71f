"""asyncio member and service watches with wait_snapshot(): the current set in one piece."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

from hearsay._snapshot import MEMBER_RULES, SERVICE_RULES, SnapshotFold, SnapshotRules
from hearsay.aio._stream import AsyncStream
from hearsay.aio.subscription import AsyncWatch
from hearsay.errors import Cancelled
from hearsay.members import Member, MemberEvent
from hearsay.services import Service, ServiceEvent

__all__ = ["AsyncMemberWatch", "AsyncServiceWatch"]

T = TypeVar("T")
S = TypeVar("S")


class _AsyncSnapshotWatch(AsyncWatch[T], Generic[T, S]):
    """An AsyncWatch that folds the events it hands out into the current set, up to SNAPSHOT_END."""

    _rules: SnapshotRules[T, S]

    def __init__(self, stream: AsyncStream[T]) -> None:
        super().__init__(stream)
        self._snapshot: SnapshotFold[T, S] = SnapshotFold(self._rules)

    async def _next(self) -> T | None:
        e = await self._stream.next()
        if e is not None:
            self._snapshot.add(e)
        return e

    async def wait_snapshot(self, timeout: float | None = 10.0) -> list[S]:
        """As hearsay.Watch.wait_snapshot: reads the CURRENT events through SNAPSHOT_END and
        answers the set they describe ([] when none); at once when the end was read already."""

        async def read() -> list[S]:
            while self._snapshot.result is None:
                if await self._next() is None:
                    raise Cancelled("watch closed before its snapshot end")
            return list(self._snapshot.result)

        try:
            return await asyncio.wait_for(read(), timeout)
        except TimeoutError:
            raise TimeoutError(f"watch: no snapshot end within {timeout:g} s") from None


class AsyncMemberWatch(_AsyncSnapshotWatch[MemberEvent, Member]):
    """`async for e in watch:` over MemberEvent items; wait_snapshot() answers the members."""

    _rules = MEMBER_RULES


class AsyncServiceWatch(_AsyncSnapshotWatch[ServiceEvent, Service]):
    """`async for e in watch:` over ServiceEvent items; wait_snapshot() answers the instances."""

    _rules = SERVICE_RULES

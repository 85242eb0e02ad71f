"""asyncio subscriptions and watches: `async for` over deliveries or events."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Generic, TypeVar

from hearsay._sub_state import SubscriptionState
from hearsay.aio._stream import AsyncStream
from hearsay.cursor import Cursor
from hearsay.delivery import CaughtUpDelivery, Delivery
from hearsay.errors import Cancelled

__all__ = ["AsyncSubscription", "AsyncWatch"]

T = TypeVar("T")


class AsyncSubscription:
    """`async for d in sub:` yields DigestDelivery and GapDelivery items (and one CaughtUpDelivery
    with include_caught_up=True); reconnects by itself
    (resuming from the last cursor, no loss, no duplicates). Ends on close() / `async with`;
    a refusal raises its HearsayError. One consumer task at a time."""

    def __init__(self, state: SubscriptionState, stream: AsyncStream[Delivery]) -> None:
        self._state = state
        self._stream = stream
        self._start = state.cursor
        self._last: Delivery | None = None

    @property
    def types(self) -> tuple[str, ...]:
        return self._state.types

    @property
    def cursor(self) -> Cursor:
        """The cursor after the last delivery handed out."""
        return self._start if self._last is None else self._last.cursor

    async def wait_started(self, timeout: float | None = 10.0) -> str:
        """Reads until the gateway confirms the subscription (deliveries read meanwhile are kept)."""

        async def started() -> str:
            while not self._state.started_event.is_set():
                if self._stream.closed:
                    raise Cancelled("subscription closed before it started")
                await self._stream.fill()
                err = self._stream.error
                if err is not None:
                    raise err
            return self._state.subscription_id or ""

        try:
            return await asyncio.wait_for(started(), timeout)
        except TimeoutError:
            raise TimeoutError(f"subscription not started within {timeout:g} s") from None

    @property
    def caught_up(self) -> bool:
        """Whether the gateway has delivered the backlog the subscription started with (see
        Subscription.caught_up); stays True across reconnects."""
        return self._state.caught_up_event.is_set()

    async def wait_caught_up(self, timeout: float | None = 10.0) -> CaughtUpDelivery:
        """Reads until the gateway's caught-up marker (deliveries read meanwhile are kept)."""

        async def caught_up() -> CaughtUpDelivery:
            while self._state.caught_up_info is None:
                if self._stream.closed:
                    raise Cancelled("subscription closed before it caught up")
                await self._stream.fill()
                err = self._stream.error
                if err is not None:
                    raise err
            return self._state.caught_up_info

        try:
            return await asyncio.wait_for(caught_up(), timeout)
        except TimeoutError:
            raise TimeoutError(f"subscription not caught up within {timeout:g} s") from None

    async def get(self, timeout: float | None = None) -> Delivery | None:
        """The next delivery; None once closed; TimeoutError when nothing came within `timeout` s."""
        try:
            d = await asyncio.wait_for(self._stream.next(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no delivery within {timeout:g} s") from None
        if d is not None:
            self._last = d
        return d

    def __aiter__(self) -> AsyncSubscription:
        return self

    async def __anext__(self) -> Delivery:
        d = await self.get()
        if d is None:
            raise StopAsyncIteration
        return d

    def close(self) -> None:
        self._stream.close()

    async def __aenter__(self) -> AsyncSubscription:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncWatch(Generic[T]):
    """`async for e in watch:` yields MemberEvent or ServiceEvent items: CURRENT ones (with
    include_current), one SNAPSHOT_END, then changes; CURRENT events and SNAPSHOT_END are
    re-sent after a reconnect."""

    def __init__(self, stream: AsyncStream[T]) -> None:
        self._stream = stream

    async def _next(self) -> T | None:
        return await self._stream.next()

    async def get(self, timeout: float | None = None) -> T | None:
        try:
            return await asyncio.wait_for(self._next(), timeout)
        except TimeoutError:
            raise TimeoutError(f"no event within {timeout:g} s") from None

    def __aiter__(self) -> AsyncWatch[T]:
        return self

    async def __anext__(self) -> T:
        e = await self._next()
        if e is None:
            raise StopAsyncIteration
        return e

    def close(self) -> None:
        self._stream.close()

    async def __aenter__(self) -> AsyncWatch[T]:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

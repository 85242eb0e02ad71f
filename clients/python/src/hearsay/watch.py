"""Watches: membership or service-catalog events as they happen, reconnecting by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Generic, TypeVar

from hearsay._stream import ResilientStream

__all__ = ["Watch"]

T = TypeVar("T")


class Watch(Generic[T]):
    """Iterate it for events (MemberEvent or ServiceEvent); close() or `with` ends it.

    The gateway does not replay events missed while disconnected, so after a
    reconnect the watch asks again with include_current: CURRENT events for
    everything known re-sync the consumer.
    """

    def __init__(self, stream: ResilientStream[T], what: str) -> None:
        self._stream = stream
        self._what = what

    def get(self, timeout: float | None = None) -> T | None:
        """The next event; None once closed; TimeoutError when nothing came within `timeout` s."""
        return self._stream.get(timeout)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        e = self._stream.get()
        if e is None:
            raise StopIteration
        return e

    def close(self) -> None:
        self._stream.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def __enter__(self) -> Watch[T]:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<hearsay.Watch {self._what} {'closed' if self.closed else 'open'}>"

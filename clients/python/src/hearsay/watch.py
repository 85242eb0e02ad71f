"""Watches: membership or service-catalog events as they happen, reconnecting by themselves."""

from __future__ import annotations

from typing import TypeVar

from hearsay._stream import ResilientStream
from hearsay._stream_reader import StreamReader

__all__ = ["Watch"]

T = TypeVar("T")


class Watch(StreamReader[T]):
    """Iterate it for events (MemberEvent or ServiceEvent); close() or `with` ends it.

    The gateway does not replay events missed while disconnected, so after a
    reconnect the watch asks again with include_current: CURRENT events for
    everything known re-sync the consumer.
    """

    def __init__(self, stream: ResilientStream[T], what: str) -> None:
        self._stream = stream
        self._what = what

    def __repr__(self) -> str:
        return f"<hearsay.Watch {self._what} {'closed' if self.closed else 'open'}>"

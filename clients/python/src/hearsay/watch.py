"""Watches: membership or service-catalog events as they happen, reconnecting by themselves."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

from hearsay._snapshot import MEMBER_RULES, SERVICE_RULES, SnapshotFold, SnapshotRules
from hearsay._stream import ResilientStream
from hearsay._stream_reader import StreamReader
from hearsay.errors import Cancelled
from hearsay.members import Member, MemberEvent
from hearsay.services import Service, ServiceEvent

__all__ = ["Watch", "MemberWatch", "ServiceWatch"]

T = TypeVar("T")
S = TypeVar("S")


class Watch(StreamReader[T]):
    """Iterate it for events (MemberEvent or ServiceEvent); close() or `with` ends it.

    The first events are CURRENT ones (with include_current), then one
    SNAPSHOT_END, then live changes. The gateway does not replay events missed
    while disconnected, so after a reconnect the watch asks again with
    include_current: CURRENT events for everything known, then SNAPSHOT_END,
    re-sync the consumer (what it holds that the re-sync did not name is gone).
    """

    def __init__(self, stream: ResilientStream[T], what: str) -> None:
        self._stream = stream
        self._what = what

    def __repr__(self) -> str:
        return f"<hearsay.Watch {self._what} {'closed' if self.closed else 'open'}>"


class _SnapshotWatch(Watch[T], Generic[T, S]):
    """A Watch that folds the events it hands out into the current set, up to SNAPSHOT_END."""

    _rules: SnapshotRules[T, S]

    def __init__(self, stream: ResilientStream[T], what: str) -> None:
        super().__init__(stream, what)
        self._snapshot: SnapshotFold[T, S] = SnapshotFold(self._rules)

    def get(self, timeout: float | None = None) -> T | None:
        e = self._stream.get(timeout)
        if e is not None:
            self._snapshot.add(e)
        return e

    def wait_snapshot(self, timeout: float | None = 10.0) -> list[S]:
        """The set the watch's first events describe (the CURRENT ones), once it has passed
        the gateway's SNAPSHOT_END: [] when there is none, or without include_current.

        Reads those events itself (iteration goes on after them); once the end has been
        read, by this or by iterating, it answers at once. Raises TimeoutError, Cancelled
        when the watch is closed first, or the HearsayError that ended it.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._snapshot.result is None:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                e = self.get(left)
            except TimeoutError:
                raise TimeoutError(f"watch {self._what}: no snapshot end within {timeout:g} s") from None
            if e is None:
                raise Cancelled(f"watch {self._what} closed before its snapshot end")
        return list(self._snapshot.result)


class MemberWatch(_SnapshotWatch[MemberEvent, Member]):
    """A watch of membership events; wait_snapshot() answers the members known when it began."""

    _rules = MEMBER_RULES


class ServiceWatch(_SnapshotWatch[ServiceEvent, Service]):
    """A watch of service events; wait_snapshot() answers the instances known when it began."""

    _rules = SERVICE_RULES

"""The current set a watch's first events describe, complete at the gateway's SNAPSHOT_END.

Keyed (member name; service name and id), so CURRENT events sent again after a
reconnect in the middle of the snapshot replace the ones before instead of doubling.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from hearsay.members import Member, MemberEvent, MemberEventKind
from hearsay.services import Service, ServiceEvent, ServiceEventKind

__all__ = ["SnapshotFold", "SnapshotRules", "MEMBER_RULES", "SERVICE_RULES"]

E = TypeVar("E")
S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class SnapshotRules(Generic[E, S]):
    """How one kind of event adds to a snapshot."""

    is_end: Callable[[E], bool]
    #: The item and its key, or None for an event about nothing.
    item_of: Callable[[E], tuple[Hashable, S] | None]
    #: The event takes its item out of the set.
    removes: Callable[[E], bool]


def _member(e: MemberEvent) -> tuple[Hashable, Member] | None:
    return None if e.member is None else (e.member.name, e.member)


def _service(e: ServiceEvent) -> tuple[Hashable, Service] | None:
    return None if e.instance is None else ((e.instance.name, e.instance.id), e.instance)


MEMBER_RULES: SnapshotRules[MemberEvent, Member] = SnapshotRules(
    is_end=lambda e: e.kind == MemberEventKind.SNAPSHOT_END,
    item_of=_member,
    removes=lambda e: e.kind == MemberEventKind.REAP,
)

SERVICE_RULES: SnapshotRules[ServiceEvent, Service] = SnapshotRules(
    is_end=lambda e: e.kind == ServiceEventKind.SNAPSHOT_END,
    item_of=_service,
    removes=lambda e: e.kind in (ServiceEventKind.DEREGISTERED, ServiceEventKind.EXPIRED),
)


class SnapshotFold(Generic[E, S]):
    """Fed every event the consumer is handed until the first SNAPSHOT_END; then `result`."""

    def __init__(self, rules: SnapshotRules[E, S]) -> None:
        self._rules = rules
        self._set: dict[Hashable, S] = {}
        #: The current set once the end came; None before.
        self.result: list[S] | None = None

    def add(self, e: E) -> None:
        if self.result is not None:
            return
        if self._rules.is_end(e):
            self.result = list(self._set.values())
            return
        item = self._rules.item_of(e)
        if item is None:
            return
        if self._rules.removes(e):
            self._set.pop(item[0], None)
        else:
            self._set[item[0]] = item[1]

"""Members of the overlay and what happens to them, as the local gateway sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

__all__ = ["Member", "MemberEvent", "MemberStatus", "MemberEventKind"]


class MemberStatus(IntEnum):
    """Membership state of a node (numbers as in hearsay.v1.MemberStatus)."""

    UNSPECIFIED = 0
    ALIVE = 1
    #: Failed a probe; declared dead unless it refutes in time.
    SUSPECT = 2
    #: Declared failed.
    DEAD = 3
    #: Left gracefully.
    LEFT = 4


class MemberEventKind(IntEnum):
    """What happened to a member (numbers as in hearsay.v1.MemberEventKind)."""

    UNSPECIFIED = 0
    #: Sent at the start of a watch (and after each reconnect) for every member already known.
    CURRENT = 1
    JOIN = 2
    #: Tags or other state changed.
    UPDATE = 3
    SUSPECT = 4
    #: A suspect member refuted the suspicion, or a dead one came back.
    ALIVE = 5
    FAIL = 6
    LEAVE = 7
    #: A dead or left member was forgotten.
    REAP = 8
    #: Once after the CURRENT events (also when there were none; first without
    #: include_current), before any live event: the set is complete. No member.
    SNAPSHOT_END = 9


@dataclass(frozen=True, slots=True)
class Member:
    """A node of the overlay."""

    name: str
    #: Overlay (gossip) address, "host:port" or "[v6]:port".
    address: str
    status: MemberStatus
    #: SWIM incarnation; grows when the node refutes a suspicion or restarts.
    incarnation: int = 0
    tags: dict[str, str] = field(default_factory=dict)
    #: When `status` last changed, as seen locally, Unix epoch ms.
    status_since_ms: int = 0
    protocol_version: int = 0
    #: Digest types this node's subscribers are interested in.
    subscribed_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MemberEvent:
    kind: MemberEventKind
    #: The member's state after the event; None for SNAPSHOT_END.
    member: Member | None
    #: When the gateway observed the event, Unix epoch ms.
    time_ms: int

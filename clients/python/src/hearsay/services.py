"""Service instances registered with the overlay's catalog, and changes to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

__all__ = ["Service", "ServiceEvent", "ServiceHealth", "ServiceEventKind"]


class ServiceHealth(IntEnum):
    """Health of a service instance (numbers as in hearsay.v1.ServiceHealth)."""

    UNSPECIFIED = 0
    PASSING = 1
    #: TTL lapsed without a refresh; removed after the grace period.
    CRITICAL = 2


class ServiceEventKind(IntEnum):
    """What happened to a service instance (numbers as in hearsay.v1.ServiceEventKind)."""

    UNSPECIFIED = 0
    #: Sent at the start of a watch (and after each reconnect) for every instance already known.
    CURRENT = 1
    REGISTERED = 2
    UPDATED = 3
    DEREGISTERED = 4
    #: Removed because its TTL lapsed, its client's session ended, or its node failed or left.
    EXPIRED = 5
    #: Once after the CURRENT events (also when there were none; first without
    #: include_current), before any live event: the set is complete. No instance;
    #: `instances` as for the watched name (empty when watching every service).
    SNAPSHOT_END = 6


@dataclass(frozen=True, slots=True)
class Service:
    """One registered instance of a service."""

    name: str
    #: Unique within `name`; defaults to "<node>:<name>:<port>".
    id: str
    #: Node whose gateway holds the registration.
    node: str
    address: str
    port: int
    tags: dict[str, str] = field(default_factory=dict)
    health: ServiceHealth = ServiceHealth.UNSPECIFIED
    #: When non-zero the registering client refreshes it within this period, ms.
    ttl_ms: int = 0
    registered_at_ms: int = 0


@dataclass(frozen=True, slots=True)
class ServiceEvent:
    kind: ServiceEventKind
    #: The instance the event is about; None for SNAPSHOT_END.
    instance: Service | None
    #: Every passing instance of the watched name after this event.
    instances: tuple[Service, ...]
    #: When the gateway observed the event, Unix epoch ms.
    time_ms: int

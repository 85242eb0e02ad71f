"""The argument checks and request building of both clients' members and services calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from hearsay._checks import bool_arg, int_in, name_arg
from hearsay._classes import check_headers
from hearsay._wire import ServiceSpec
from hearsay.services import Service

__all__ = ["current_on_reopen", "service_spec", "kept_service", "service_key", "service_query"]

T = TypeVar("T")


def current_on_reopen(include_current: bool, open_with: Callable[[bool], T]) -> Callable[[], T]:
    """A watch's open call: `include_current` the first time, always after that, since a
    reconnected watcher cannot know what changed while it was away."""
    opened = False

    def open_call() -> T:
        nonlocal opened
        first = not opened
        opened = True
        return open_with(include_current or not first)

    return open_call


def service_spec(
    name: str, port: int, id: str, address: str, tags: Mapping[str, str] | None, ttl_ms: int
) -> ServiceSpec:
    return ServiceSpec(
        name=name_arg(name, "name"),
        id=name_arg(id, "id", allow_empty=True),
        address=name_arg(address, "address", allow_empty=True),
        port=int_in(port, "port", 1, 65_535),
        tags=check_headers(tags, "tags"),
        ttl_ms=int_in(ttl_ms, "ttl_ms", 0, 2**31 - 1),
    )


def kept_service(registered: Service, spec: ServiceSpec) -> tuple[tuple[str, str], ServiceSpec]:
    """The (name, id) the gateway registered, and the spec that refreshes it: the gateway
    fills in an empty id, and a refresh must name the same instance."""
    key = (registered.name or spec.name, registered.id or spec.id)
    return key, ServiceSpec(spec.name, key[1], spec.address, spec.port, spec.tags, spec.ttl_ms)


def service_key(name: str, id: str) -> tuple[str, str]:
    return name_arg(name, "name"), name_arg(id, "id")


def service_query(name: str, passing_only: bool, tags: Mapping[str, str] | None) -> tuple[str, bool, dict[str, str]]:
    """services()'s (name, passing_only, tags), checked."""
    bool_arg(passing_only, "passing_only")
    return name_arg(name, "name", allow_empty=True), passing_only, check_headers(tags, "tags")

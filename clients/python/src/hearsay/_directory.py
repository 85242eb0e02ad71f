"""Members and services of the threaded Client (a mixin: the Client supplies the wire and plumbing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hearsay._backoff import ReconnectOptions
from hearsay._checks import int_in, name_arg
from hearsay._classes import check_headers, check_statuses
from hearsay._service_keeper import ServiceKeeper
from hearsay._stream import RetryHook
from hearsay._wire import ServiceSpec, Wire
from hearsay.members import Member, MemberEvent, MemberStatus
from hearsay.services import Service, ServiceEvent
from hearsay.watch import Watch

__all__ = ["DirectoryMixin"]


class DirectoryMixin:
    """members, watch_members, register_service, deregister_service, services, watch_services."""

    _overlay: str
    _keeper: ServiceKeeper

    def _live(self) -> Wire:
        raise NotImplementedError

    def _watch(
        self,
        open_call: Callable[[], Any],
        events: Callable[[Any], list[Any]],
        reconnect: bool | ReconnectOptions,
        on_retry: RetryHook | None,
        what: str,
    ) -> Watch[Any]:
        raise NotImplementedError

    # -- members ----------------------------------------------------------------------

    def members(self, *, statuses: Iterable[MemberStatus] = (), tags: Mapping[str, str] | None = None) -> list[Member]:
        """Members of the overlay as the gateway sees them, sorted by name; optionally only
        those in `statuses` / carrying every one of `tags`."""
        return self._live().members(self._overlay, check_statuses(statuses), check_headers(tags, "tags"))

    def watch_members(
        self,
        *,
        include_current: bool = False,
        tags: Mapping[str, str] | None = None,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> Watch[MemberEvent]:
        """Membership events as they happen (after a CURRENT event per known member when
        include_current); after a reconnect CURRENT events are sent again."""
        if not isinstance(include_current, bool):
            raise TypeError(f"include_current: a bool, got {include_current!r}")
        filters = check_headers(tags, "tags")
        wire = self._live()
        opened = [0]

        def open_call() -> Any:
            first = opened[0] == 0
            opened[0] += 1
            return wire.watch_members(self._overlay, include_current or not first, filters)

        return self._watch(open_call, wire.member_events, reconnect, on_retry, "members")

    # -- services ---------------------------------------------------------------------

    def register_service(
        self,
        name: str,
        port: int,
        *,
        id: str = "",
        address: str = "",
        tags: Mapping[str, str] | None = None,
        ttl_ms: int = 0,
    ) -> Service:
        """Registers (or refreshes) a service instance on this gateway's node.

        id: instance id; "" = "<node>:<name>:<port>". address: "" = the node's host.
        ttl_ms: 0 = lives until deregistered or its node goes; otherwise this client
        re-registers it every ttl_ms/3 while open, and deregisters it on close().
        """
        spec = ServiceSpec(
            name=name_arg(name, "name"),
            id=name_arg(id, "id", allow_empty=True),
            address=name_arg(address, "address", allow_empty=True),
            port=int_in(port, "port", 1, 65_535),
            tags=check_headers(tags, "tags"),
            ttl_ms=int_in(ttl_ms, "ttl_ms", 0, 2**31 - 1),
        )
        service = self._live().register_service(self._overlay, spec)
        key = (service.name or spec.name, service.id or spec.id)
        if spec.ttl_ms > 0:
            self._keeper.keep(key, ServiceSpec(spec.name, key[1], spec.address, spec.port, spec.tags, spec.ttl_ms))
        else:
            self._keeper.forget(key)
        return service

    def deregister_service(self, name: str, id: str) -> bool:
        """Removes an instance registered on this node (and stops refreshing it);
        False when there was none."""
        key = (name_arg(name, "name"), name_arg(id, "id"))
        self._keeper.forget(key)
        return self._live().deregister_service(self._overlay, *key)

    def services(
        self, name: str = "", *, passing_only: bool = False, tags: Mapping[str, str] | None = None
    ) -> list[Service]:
        """Instances of service `name` ("" = every service), sorted by name then id."""
        if not isinstance(passing_only, bool):
            raise TypeError(f"passing_only: a bool, got {passing_only!r}")
        return self._live().services(
            self._overlay, name_arg(name, "name", allow_empty=True), passing_only, check_headers(tags, "tags")
        )

    def watch_services(
        self,
        name: str = "",
        *,
        include_current: bool = True,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> Watch[ServiceEvent]:
        """Catalog changes of service `name` ("" = all), each with every passing instance."""
        name_arg(name, "name", allow_empty=True)
        if not isinstance(include_current, bool):
            raise TypeError(f"include_current: a bool, got {include_current!r}")
        wire = self._live()
        opened = [0]

        def open_call() -> Any:
            first = opened[0] == 0
            opened[0] += 1
            return wire.watch_services(self._overlay, name, include_current or not first)

        return self._watch(open_call, wire.service_events, reconnect, on_retry, f"services {name or '*'}")

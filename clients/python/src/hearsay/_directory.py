"""Members and services of the threaded Client (a mixin: the Client supplies the wire and plumbing)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from hearsay._backoff import ReconnectOptions
from hearsay._checks import bool_arg, name_arg, reconnect_options
from hearsay._classes import check_headers, check_statuses
from hearsay._directory_args import current_on_reopen, kept_service, service_key, service_query, service_spec
from hearsay._service_keeper import ServiceKeeper
from hearsay._stream import ResilientStream, RetryHook, StreamSpec
from hearsay._wire import Wire
from hearsay.members import Member, MemberStatus
from hearsay.services import Service
from hearsay.watch import MemberWatch, ServiceWatch, Watch

__all__ = ["DirectoryMixin"]

W = TypeVar("W", bound=Watch[Any])

#: Events a watch buffers before it stops reading.
MAX_QUEUED_EVENTS = 1_024


class DirectoryMixin:
    """members, watch_members, register_service, deregister_service, services, watch_services."""

    _overlay: str
    _keeper: ServiceKeeper

    def _live(self) -> Wire:
        raise NotImplementedError

    def _stream(self, spec: StreamSpec) -> ResilientStream[Any]:
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
    ) -> MemberWatch:
        """Membership events as they happen: a CURRENT event per known member when
        include_current, then SNAPSHOT_END (watch.wait_snapshot() reads up to it and
        answers those members), then changes; after a reconnect CURRENT events and
        SNAPSHOT_END are sent again."""
        bool_arg(include_current, "include_current")
        filters = check_headers(tags, "tags")
        wire = self._live()
        open_call = current_on_reopen(
            include_current, lambda current: wire.watch_members(self._overlay, current, filters)
        )
        return self._watch(MemberWatch, open_call, wire.member_events, reconnect, on_retry, "members")

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
        spec = service_spec(name, port, id, address, tags, ttl_ms)
        service = self._live().register_service(self._overlay, spec)
        key, kept = kept_service(service, spec)
        if spec.ttl_ms > 0:
            self._keeper.keep(key, kept)
        else:
            self._keeper.forget(key)
        return service

    def deregister_service(self, name: str, id: str) -> bool:
        """Removes an instance registered on this node; False when there was none. Stops
        refreshing it first, after the refresh in flight if any, so no refresh lands later."""
        key = service_key(name, id)
        self._keeper.forget(key)
        return self._live().deregister_service(self._overlay, *key)

    def services(
        self, name: str = "", *, passing_only: bool = False, tags: Mapping[str, str] | None = None
    ) -> list[Service]:
        """Instances of service `name` ("" = every service), sorted by name then id."""
        return self._live().services(self._overlay, *service_query(name, passing_only, tags))

    def watch_services(
        self,
        name: str = "",
        *,
        include_current: bool = True,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> ServiceWatch:
        """Catalog changes of service `name` ("" = all), each with every passing instance;
        first CURRENT events (include_current) and SNAPSHOT_END, as for watch_members."""
        name_arg(name, "name", allow_empty=True)
        bool_arg(include_current, "include_current")
        wire = self._live()
        open_call = current_on_reopen(
            include_current, lambda current: wire.watch_services(self._overlay, name, current)
        )
        return self._watch(ServiceWatch, open_call, wire.service_events, reconnect, on_retry, f"services {name or '*'}")

    def _watch(
        self,
        cls: type[W],
        open_call: Callable[[], Any],
        events: Callable[[Any], list[Any]],
        reconnect: bool | ReconnectOptions,
        on_retry: RetryHook | None,
        what: str,
    ) -> W:
        spec = StreamSpec(
            open=open_call,
            handle=events,
            reconnect=reconnect_options(reconnect),
            # The gateway sends no keep-alives on watches; gRPC pings and poll answers show liveness.
            idle_timeout_ms=0,
            max_queued=MAX_QUEUED_EVENTS,
            on_retry=on_retry,
            name=f"hearsay-watch {what}",
        )
        return cls(self._stream(spec), what)

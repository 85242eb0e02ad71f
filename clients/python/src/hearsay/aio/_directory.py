"""Members and services of the asyncio client (a mixin: AsyncClient supplies the stub and plumbing)."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from hearsay import _grpc_calls as calls
from hearsay import _grpc_convert as cv
from hearsay._backoff import ReconnectOptions
from hearsay._checks import bool_arg, name_arg, reconnect_options
from hearsay._classes import check_headers, check_statuses
from hearsay._directory_args import current_on_reopen, kept_service, service_key, service_query, service_spec
from hearsay._stream import RetryHook
from hearsay.aio._service_keeper import KeptService
from hearsay.aio._stream import AsyncStream
from hearsay.aio.subscription import AsyncWatch
from hearsay.aio.watch import AsyncMemberWatch, AsyncServiceWatch
from hearsay.members import Member, MemberStatus
from hearsay.services import Service

__all__ = ["AsyncDirectoryMixin"]

T = TypeVar("T")
W = TypeVar("W", bound=AsyncWatch[Any])


class AsyncDirectoryMixin:
    """members, watch_members, register_service, deregister_service, services, watch_services."""

    _overlay: str
    _metadata: tuple[tuple[str, str], ...]
    _kept: dict[tuple[str, str], KeptService]
    _streams: weakref.WeakSet[AsyncStream[Any]]
    _closed: bool

    def _stub(self) -> Any:
        raise NotImplementedError

    async def _call(self, unary: calls.Unary[T]) -> T:
        raise NotImplementedError

    # -- members --------------------------------------------------------------------------

    async def members(
        self, *, statuses: Iterable[MemberStatus] = (), tags: Mapping[str, str] | None = None
    ) -> list[Member]:
        return await self._call(calls.members(self._overlay, check_statuses(statuses), check_headers(tags, "tags")))

    def watch_members(
        self,
        *,
        include_current: bool = False,
        tags: Mapping[str, str] | None = None,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncMemberWatch:
        """As hearsay.Client.watch_members; `await watch.wait_snapshot()` answers the members."""
        bool_arg(include_current, "include_current")
        filters = check_headers(tags, "tags")
        stub = self._stub()

        def open_with(current: bool) -> Any:
            return stub.WatchMembers(
                calls.watch_members_request(self._overlay, current, filters), metadata=self._metadata
            )

        return self._watch(
            AsyncMemberWatch,
            current_on_reopen(include_current, open_with),
            lambda e: [cv.member_event(e)],
            reconnect,
            on_retry,
        )

    # -- services -------------------------------------------------------------------------

    async def register_service(
        self,
        name: str,
        port: int,
        *,
        id: str = "",
        address: str = "",
        tags: Mapping[str, str] | None = None,
        ttl_ms: int = 0,
    ) -> Service:
        """As hearsay.Client.register_service: with ttl_ms, a task refreshes it every ttl_ms/3."""
        spec = service_spec(name, port, id, address, tags, ttl_ms)
        service = await self._call(calls.register_service(self._overlay, spec))
        key, kept = kept_service(service, spec)
        old = self._kept.pop(key, None)
        if spec.ttl_ms > 0:
            refresh = calls.register_service(self._overlay, kept)
            self._kept[key] = KeptService(lambda: self._call(refresh), spec.ttl_ms / 3000)
        if old is not None:
            await old.stop()
        return service

    async def deregister_service(self, name: str, id: str) -> bool:
        """As hearsay.Client.deregister_service: first stops the refreshes and waits for
        one in flight, so this DeregisterService is the last word."""
        key = service_key(name, id)
        kept = self._kept.get(key)
        if kept is not None:
            await kept.stop()
            if self._kept.get(key) is kept:  # still there for a concurrent deregister to wait on
                del self._kept[key]
        return await self._call(calls.deregister_service(self._overlay, *key))

    async def services(
        self, name: str = "", *, passing_only: bool = False, tags: Mapping[str, str] | None = None
    ) -> list[Service]:
        return await self._call(calls.services(self._overlay, *service_query(name, passing_only, tags)))

    def watch_services(
        self,
        name: str = "",
        *,
        include_current: bool = True,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncServiceWatch:
        """As hearsay.Client.watch_services; `await watch.wait_snapshot()` answers the instances."""
        name_arg(name, "name", allow_empty=True)
        stub = self._stub()

        def open_with(current: bool) -> Any:
            return stub.WatchServices(
                calls.watch_services_request(self._overlay, name, current), metadata=self._metadata
            )

        return self._watch(
            AsyncServiceWatch,
            current_on_reopen(include_current, open_with),
            lambda e: [cv.service_event(e)],
            reconnect,
            on_retry,
        )

    def _watch(
        self,
        cls: type[W],
        open_call: Any,
        handle: Any,
        reconnect: bool | ReconnectOptions,
        on_retry: RetryHook | None,
    ) -> W:
        stream: AsyncStream[Any] = AsyncStream(open_call, handle, reconnect_options(reconnect), 0, on_retry)
        self._streams.add(stream)
        return cls(stream)

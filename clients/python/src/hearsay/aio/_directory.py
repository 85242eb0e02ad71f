"""Members and services of the asyncio client (a mixin: AsyncClient supplies the stub and plumbing)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from hearsay import _grpc_convert as cv
from hearsay._backoff import ReconnectOptions
from hearsay._checks import int_in, name_arg
from hearsay._classes import check_headers, check_statuses
from hearsay._stream import RetryHook
from hearsay._stubs import gateway_pb2
from hearsay._wire import ServiceSpec
from hearsay.aio.subscription import AsyncWatch
from hearsay.members import Member, MemberEvent, MemberStatus
from hearsay.services import Service, ServiceEvent

__all__ = ["AsyncDirectoryMixin"]


class AsyncDirectoryMixin:
    """members, watch_members, register_service, deregister_service, services, watch_services."""

    _overlay: str
    _metadata: tuple[tuple[str, str], ...]
    _kept: dict[tuple[str, str], asyncio.Task[None]]
    _closed: bool

    def _stub(self) -> Any:
        raise NotImplementedError

    async def _unary(self, method: str, request: Any) -> Any:
        raise NotImplementedError

    def _watch(
        self, open_call: Any, handle: Any, reconnect: bool | ReconnectOptions, on_retry: RetryHook | None
    ) -> AsyncWatch[Any]:
        raise NotImplementedError

    # -- members --------------------------------------------------------------------------

    async def members(
        self, *, statuses: Iterable[MemberStatus] = (), tags: Mapping[str, str] | None = None
    ) -> list[Member]:
        req = cv.list_members_request(self._overlay, check_statuses(statuses), check_headers(tags, "tags"))
        return [cv.member(m) for m in (await self._unary("ListMembers", req)).members]

    def watch_members(
        self,
        *,
        include_current: bool = False,
        tags: Mapping[str, str] | None = None,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncWatch[MemberEvent]:
        if not isinstance(include_current, bool):
            raise TypeError(f"include_current: a bool, got {include_current!r}")
        filters = check_headers(tags, "tags")
        stub = self._stub()
        opened = [0]

        def open_call() -> Any:
            first = opened[0] == 0
            opened[0] += 1
            req = gateway_pb2.WatchMembersRequest(
                overlay=self._overlay, include_current=include_current or not first, tags=filters
            )
            return stub.WatchMembers(req, metadata=self._metadata)

        return self._watch(open_call, lambda e: [cv.member_event(e)], reconnect, on_retry)

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
        spec = ServiceSpec(
            name=name_arg(name, "name"),
            id=name_arg(id, "id", allow_empty=True),
            address=name_arg(address, "address", allow_empty=True),
            port=int_in(port, "port", 1, 65_535),
            tags=check_headers(tags, "tags"),
            ttl_ms=int_in(ttl_ms, "ttl_ms", 0, 2**31 - 1),
        )
        service = cv.service(
            (await self._unary("RegisterService", cv.register_service_request(self._overlay, spec))).service
        )
        key = (service.name or spec.name, service.id or spec.id)
        old = self._kept.pop(key, None)
        if old is not None:
            old.cancel()
        if spec.ttl_ms > 0:
            kept = ServiceSpec(spec.name, key[1], spec.address, spec.port, spec.tags, spec.ttl_ms)
            self._kept[key] = asyncio.get_running_loop().create_task(self._keep(kept))
        return service

    async def _keep(self, spec: ServiceSpec) -> None:
        req = cv.register_service_request(self._overlay, spec)
        while not self._closed:
            await asyncio.sleep(spec.ttl_ms / 3000)
            with contextlib.suppress(Exception):  # retried in ttl/3; the gateway marks it critical if all fail
                await self._unary("RegisterService", req)

    async def deregister_service(self, name: str, id: str) -> bool:
        key = (name_arg(name, "name"), name_arg(id, "id"))
        task = self._kept.pop(key, None)
        if task is not None:
            task.cancel()
        req = gateway_pb2.DeregisterServiceRequest(overlay=self._overlay, name=key[0], id=key[1])
        return bool((await self._unary("DeregisterService", req)).removed)

    async def services(
        self, name: str = "", *, passing_only: bool = False, tags: Mapping[str, str] | None = None
    ) -> list[Service]:
        if not isinstance(passing_only, bool):
            raise TypeError(f"passing_only: a bool, got {passing_only!r}")
        req = gateway_pb2.ListServicesRequest(
            overlay=self._overlay,
            name=name_arg(name, "name", allow_empty=True),
            passing_only=passing_only,
            tags=check_headers(tags, "tags"),
        )
        return [cv.service(s) for s in (await self._unary("ListServices", req)).services]

    def watch_services(
        self,
        name: str = "",
        *,
        include_current: bool = True,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncWatch[ServiceEvent]:
        name_arg(name, "name", allow_empty=True)
        stub = self._stub()
        opened = [0]

        def open_call() -> Any:
            first = opened[0] == 0
            opened[0] += 1
            req = gateway_pb2.WatchServicesRequest(
                overlay=self._overlay, name=name, include_current=include_current or not first
            )
            return stub.WatchServices(req, metadata=self._metadata)

        return self._watch(open_call, lambda e: [cv.service_event(e)], reconnect, on_retry)

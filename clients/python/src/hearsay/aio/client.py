"""The asyncio client (grpc.aio): the same concepts and names as hearsay.Client, awaited."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import grpc
import grpc.aio

from hearsay import _grpc_calls as calls
from hearsay import _grpc_convert as cv
from hearsay._backoff import ReconnectOptions
from hearsay._checks import name_arg, reconnect_options
from hearsay._classes import ClassTable
from hearsay._client_args import Start, check_registration, connection_tls, publish_batches, subscription_state
from hearsay._grpc_transport import channel_options, credentials, from_status
from hearsay._stream import RetryHook
from hearsay._stubs import gateway_pb2_grpc
from hearsay.aio._directory import AsyncDirectoryMixin
from hearsay.aio._service_keeper import KeptService
from hearsay.aio._stream import AsyncStream
from hearsay.aio.subscription import AsyncSubscription
from hearsay.client import DEFAULT_GRPC_ADDRESS
from hearsay.cursor import Cursor
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo
from hearsay.options import TlsOptions
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema, SourceFormat, schema_from_file, schema_from_source, schema_of_class

__all__ = ["AsyncClient", "connect"]

T = TypeVar("T")


class AsyncClient(AsyncDirectoryMixin):
    """A grpc.aio connection to one gateway; `async with` it or `await close()`.

    Use it from one event loop: the channel is made on the first call, in that loop.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        token: str | None = None,
        tls: TlsOptions | bool | None = None,
        overlay: str = "",
        call_timeout_ms: int = 10_000,
        keepalive_ms: int = 30_000,
    ) -> None:
        self._tls = connection_tls(address, token, tls, overlay, call_timeout_ms, keepalive_ms)
        self._address = address or DEFAULT_GRPC_ADDRESS
        self._keepalive_ms = keepalive_ms
        self._timeout_s = call_timeout_ms / 1000
        self._overlay = overlay
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._channel: grpc.aio.Channel | None = None
        self._stub_: Any = None
        self._classes = ClassTable()
        self._streams: weakref.WeakSet[AsyncStream[Any]] = weakref.WeakSet()
        self._kept: dict[tuple[str, str], KeptService] = {}
        self._closed = False

    @property
    def address(self) -> str:
        return self._address

    def _stub(self) -> Any:
        if self._closed:
            raise RuntimeError("this hearsay.aio.AsyncClient is closed")
        if self._stub_ is None:
            opts = channel_options(self._keepalive_ms, self._tls)
            if self._tls is None:
                self._channel = grpc.aio.insecure_channel(self._address, options=opts)
            else:
                self._channel = grpc.aio.secure_channel(self._address, credentials(self._tls), options=opts)
            self._stub_ = gateway_pb2_grpc.GatewayStub(self._channel)
        return self._stub_

    async def _call(self, unary: calls.Unary[T]) -> T:
        try:
            res = await getattr(self._stub(), unary.method)(
                unary.request, timeout=self._timeout_s, metadata=self._metadata
            )
        except grpc.aio.AioRpcError as e:
            raise from_status(e.code(), e.details(), str(e)) from None
        return unary.read(res)

    async def info(self) -> GatewayInfo:
        return await self._call(calls.info(self._overlay))

    # -- digest types -------------------------------------------------------------------

    async def register_type(
        self, message_class: type, *, description: str = "", skip_payload_validation: bool = False
    ) -> RegisteredType:
        return await self._register(schema_of_class(message_class), message_class, description, skip_payload_validation)

    async def register_type_from_file(
        self,
        path: str | Path,
        type_name: str,
        *,
        include_paths: Sequence[str | Path] | None = None,
        message_class: type | None = None,
        description: str = "",
        skip_payload_validation: bool = False,
    ) -> RegisteredType:
        schema = schema_from_file(path, type_name, include_paths)
        return await self._register(schema, message_class, description, skip_payload_validation)

    async def register_type_from_source(
        self,
        type_name: str,
        files: str | Mapping[str, str] | Sequence[tuple[str, str]],
        format: SourceFormat,
        *,
        message_class: type | None = None,
        description: str = "",
        skip_payload_validation: bool = False,
    ) -> RegisteredType:
        schema = schema_from_source(type_name, files, format)
        return await self._register(schema, message_class, description, skip_payload_validation)

    async def _register(self, schema: NamedSchema, cls: type | None, description: str, skip: bool) -> RegisteredType:
        check_registration(cls, description, skip)
        registered = await self._call(calls.register_type(self._overlay, schema, skip, description))
        if cls is not None:
            self._classes.bind(schema.name, cls)
        return registered

    async def get_type(self, name: str) -> DigestType:
        return await self._call(calls.get_type(self._overlay, name_arg(name, "name")))

    async def list_types(self, name_prefix: str = "") -> list[DigestType]:
        prefix = name_arg(name_prefix, "name_prefix", allow_empty=True)
        return await self._call(calls.list_types(self._overlay, prefix))

    # -- publishing -----------------------------------------------------------------------

    async def publish(
        self,
        message: Any,
        payload: bytes | None = None,
        *,
        json: str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> PublishResult:
        digest = self._classes.new_digest(message, payload, json, headers)
        return await self._call(calls.publish(self._overlay, digest))

    async def publish_batch(
        self, messages: Iterable[Any], *, headers: Mapping[str, str] | None = None, max_batch: int = 1024
    ) -> list[PublishResult]:
        """Many digests over one PublishStream, in order; message objects or (type name, payload) pairs."""
        batches = publish_batches(self._classes, messages, headers, max_batch)
        requests = calls.publish_stream_requests(self._overlay, batches)
        timeout = self._timeout_s * max(1, len(batches))
        try:
            res = await self._stub().PublishStream(requests, timeout=timeout, metadata=self._metadata)
        except grpc.aio.AioRpcError as e:
            raise from_status(e.code(), e.details(), str(e)) from None
        return calls.publish_stream_results(res)

    # -- subscribing ----------------------------------------------------------------------

    def subscribe(
        self,
        types: Any,
        *,
        resume_from: Cursor | None = None,
        start: Start = "latest",
        include_json: bool = False,
        include_caught_up: bool = False,
        max_batch_digests: int = 0,
        keepalive_ms: int = 15_000,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncSubscription:
        """Same arguments and behaviour as hearsay.Client.subscribe; iterate with `async for`."""
        state = subscription_state(
            self._classes,
            self._overlay,
            types,
            resume_from,
            start,
            include_json,
            max_batch_digests,
            keepalive_ms,
            include_caught_up,
        )
        retry = reconnect_options(reconnect)
        stub = self._stub()
        stream: AsyncStream[Any] = AsyncStream(
            lambda: stub.Subscribe(cv.subscribe_request(state.request()), metadata=self._metadata),
            cv.subscription_handler(state),
            retry,
            keepalive_ms * 3 + 5_000,
            on_retry,
        )
        self._streams.add(stream)
        return AsyncSubscription(state, stream)

    # -- lifecycle ------------------------------------------------------------------------

    async def close(self) -> None:
        """Ends streams, deregisters TTL-kept services, closes the channel. Safe to call twice."""
        if self._closed:
            return
        for s in list(self._streams):
            s.close()
        self._streams.clear()
        kept, self._kept = dict(self._kept), {}
        await asyncio.gather(*(k.stop() for k in kept.values()))  # no refresh in flight past here
        for name, sid in kept:
            with contextlib.suppress(Exception):
                await self._call(calls.deregister_service(self._overlay, name, sid))
        self._closed = True
        if self._channel is not None:
            await self._channel.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def connect(
    address: str | None = None,
    *,
    token: str | None = None,
    tls: TlsOptions | bool | None = None,
    overlay: str = "",
    call_timeout_ms: int = 10_000,
    keepalive_ms: int = 30_000,
) -> AsyncClient:
    """An asyncio client for a gateway's gRPC port (same options as hearsay.connect, gRPC only)."""
    return AsyncClient(
        address, token=token, tls=tls, overlay=overlay, call_timeout_ms=call_timeout_ms, keepalive_ms=keepalive_ms
    )

"""The asyncio client (grpc.aio): the same concepts and names as hearsay.Client, awaited."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
import grpc.aio

from hearsay import _grpc_convert as cv
from hearsay._backoff import ReconnectOptions
from hearsay._checks import int_in, name_arg, reconnect_options
from hearsay._classes import ClassTable, check_headers
from hearsay._grpc_transport import channel_options, credentials, from_status
from hearsay._stream import RetryHook
from hearsay._stubs import gateway_pb2, gateway_pb2_grpc
from hearsay._sub_state import SubscriptionState
from hearsay.aio._directory import AsyncDirectoryMixin
from hearsay.aio._stream import AsyncStream
from hearsay.aio.subscription import AsyncSubscription, AsyncWatch
from hearsay.client import DEFAULT_GRPC_ADDRESS, Start
from hearsay.codec import check_message_class
from hearsay.cursor import Cursor
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo
from hearsay.options import TlsOptions
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema, SourceFormat, schema_from_file, schema_from_source, schema_of_class

__all__ = ["AsyncClient", "connect"]


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
        if address is not None and not isinstance(address, str):
            raise TypeError(f"address: a 'host:port' str, got {type(address).__name__}")
        if token is not None and (not isinstance(token, str) or not token or any(c.isspace() for c in token)):
            raise ValueError("token: a non-empty str without spaces (or None)")
        int_in(call_timeout_ms, "call_timeout_ms", 1, 3_600_000)
        int_in(keepalive_ms, "keepalive_ms", 1_000, 3_600_000)
        name_arg(overlay, "overlay", allow_empty=True)
        if tls is not None and not isinstance(tls, (bool, TlsOptions)):
            raise TypeError(f"tls: True, None or a TlsOptions, got {type(tls).__name__}")
        self._address = address or DEFAULT_GRPC_ADDRESS
        self._tls = TlsOptions() if tls is True else (tls or None)
        self._keepalive_ms = keepalive_ms
        self._timeout_s = call_timeout_ms / 1000
        self._overlay = overlay
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._channel: grpc.aio.Channel | None = None
        self._stub_: Any = None
        self._classes = ClassTable()
        self._streams: weakref.WeakSet[AsyncStream[Any]] = weakref.WeakSet()
        self._kept: dict[tuple[str, str], asyncio.Task[None]] = {}
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

    async def _unary(self, method: str, request: Any) -> Any:
        try:
            return await getattr(self._stub(), method)(request, timeout=self._timeout_s, metadata=self._metadata)
        except grpc.aio.AioRpcError as e:
            raise from_status(e.code(), e.details(), str(e)) from None

    async def info(self) -> GatewayInfo:
        return cv.info(await self._unary("Info", gateway_pb2.InfoRequest(overlay=self._overlay)))

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
        if cls is not None:
            check_message_class(cls, "message_class")
        name_arg(description, "description", allow_empty=True)
        if not isinstance(skip, bool):
            raise TypeError(f"skip_payload_validation: a bool, got {skip!r}")
        req = cv.register_request(self._overlay, schema, skip, description)
        registered = cv.registered(await self._unary("RegisterDigestType", req))
        if cls is not None:
            self._classes.bind(schema.name, cls)
        return registered

    async def get_type(self, name: str) -> DigestType:
        req = gateway_pb2.GetDigestTypeRequest(overlay=self._overlay, name=name_arg(name, "name"))
        return cv.digest_type(await self._unary("GetDigestType", req))

    async def list_types(self, name_prefix: str = "") -> list[DigestType]:
        prefix = name_arg(name_prefix, "name_prefix", allow_empty=True)
        req = gateway_pb2.ListDigestTypesRequest(overlay=self._overlay, name_prefix=prefix)
        return [cv.digest_type(t) for t in (await self._unary("ListDigestTypes", req)).types]

    # -- publishing -----------------------------------------------------------------------

    async def publish(
        self,
        message: Any,
        payload: bytes | None = None,
        *,
        json: str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> PublishResult:
        digest = cv.new_digest(self._classes.new_digest(message, payload, json, headers))
        res = await self._unary("Publish", gateway_pb2.PublishRequest(overlay=self._overlay, digest=digest))
        return cv.publish_result(res)

    async def publish_batch(
        self, messages: Iterable[Any], *, headers: Mapping[str, str] | None = None, max_batch: int = 1024
    ) -> list[PublishResult]:
        """Many digests over one PublishStream, in order; message objects or (type name, payload) pairs."""
        int_in(max_batch, "max_batch", 1, 1 << 20)
        hdrs = check_headers(headers)
        digests = []
        for i, m in enumerate(messages):
            if isinstance(m, tuple):
                if len(m) != 2:
                    raise ValueError(f"messages[{i}]: a message object or a (type name, payload) pair")
                digests.append(cv.new_digest(self._classes.new_digest(m[0], m[1], None, hdrs)))
            else:
                digests.append(cv.new_digest(self._classes.new_digest(m, None, None, hdrs)))
        requests = [
            gateway_pb2.PublishStreamRequest(overlay=self._overlay, digests=digests[i : i + max_batch])
            for i in range(0, len(digests), max_batch)
        ]
        timeout = self._timeout_s * max(1, len(requests))
        try:
            res = await self._stub().PublishStream(iter(requests), timeout=timeout, metadata=self._metadata)
        except grpc.aio.AioRpcError as e:
            raise from_status(e.code(), e.details(), str(e)) from None
        return [cv.publish_result(r) for r in res.results]

    # -- subscribing ----------------------------------------------------------------------

    def subscribe(
        self,
        types: Any,
        *,
        resume_from: Cursor | None = None,
        start: Start = "latest",
        include_json: bool = False,
        max_batch_digests: int = 0,
        keepalive_ms: int = 15_000,
        reconnect: bool | ReconnectOptions = True,
        on_retry: RetryHook | None = None,
    ) -> AsyncSubscription:
        """Same arguments and behaviour as hearsay.Client.subscribe; iterate with `async for`."""
        names, classes = self._classes.subscription_types(types)
        if resume_from is not None and not isinstance(resume_from, Cursor):
            raise TypeError(f"resume_from: a hearsay.Cursor, got {type(resume_from).__name__}")
        if start not in ("latest", "earliest"):
            raise ValueError(f"start: 'latest' or 'earliest', got {start!r}")
        if not isinstance(include_json, bool):
            raise TypeError(f"include_json: a bool, got {include_json!r}")
        int_in(max_batch_digests, "max_batch_digests", 0, 1 << 20)
        int_in(keepalive_ms, "keepalive_ms", 1_000, 300_000)
        retry = reconnect_options(reconnect)
        stub = self._stub()
        state = SubscriptionState(
            self._overlay,
            names,
            classes,
            resume_from,
            start == "earliest",
            include_json,
            max_batch_digests,
            keepalive_ms,
        )
        stream: AsyncStream[Any] = AsyncStream(
            lambda: stub.Subscribe(cv.subscribe_request(state.request()), metadata=self._metadata),
            cv.subscription_handler(state),
            retry,
            keepalive_ms * 3 + 5_000,
            on_retry,
        )
        self._streams.add(stream)
        return AsyncSubscription(state, stream)

    def _watch(
        self, open_call: Any, handle: Any, reconnect: bool | ReconnectOptions, on_retry: RetryHook | None
    ) -> AsyncWatch[Any]:
        stream: AsyncStream[Any] = AsyncStream(open_call, handle, reconnect_options(reconnect), 0, on_retry)
        self._streams.add(stream)
        return AsyncWatch(stream)

    # -- lifecycle ------------------------------------------------------------------------

    async def close(self) -> None:
        """Ends streams, deregisters TTL-kept services, closes the channel. Safe to call twice."""
        if self._closed:
            return
        for s in list(self._streams):
            s.close()
        self._streams.clear()
        kept, self._kept = dict(self._kept), {}
        for task in kept.values():
            task.cancel()
        for name, sid in kept:
            with contextlib.suppress(Exception):
                await self._unary(
                    "DeregisterService", gateway_pb2.DeregisterServiceRequest(overlay=self._overlay, name=name, id=sid)
                )
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

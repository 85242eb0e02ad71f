"""`connect()` and the Client: one connection to one local gateway, over gRPC or Thrift."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from hearsay._backoff import ReconnectOptions
from hearsay._checks import int_in, name_arg, reconnect_options
from hearsay._classes import ClassTable
from hearsay._client_args import Start, check_registration, connection_tls, publish_batches, subscription_state
from hearsay._directory import DirectoryMixin
from hearsay._grpc_transport import GrpcTransport
from hearsay._service_keeper import ServiceKeeper
from hearsay._stream import ResilientStream, RetryHook, StreamSpec
from hearsay._thrift_transport import ThriftTransport
from hearsay._wire import Wire
from hearsay.cursor import Cursor
from hearsay.delivery import Delivery, PublishResult
from hearsay.info import GatewayInfo
from hearsay.options import TlsOptions
from hearsay.publisher import Publisher
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema, SourceFormat, schema_from_file, schema_from_source, schema_of_class
from hearsay.subscription import BackgroundSubscription, Subscription

__all__ = ["Client", "connect", "Transport", "DEFAULT_GRPC_ADDRESS", "Start"]

Transport = Literal["grpc", "thrift"]

#: Where `hearsay agent` serves gRPC unless told otherwise. Thrift is off by
#: default on the gateway, so it has no default address here.
DEFAULT_GRPC_ADDRESS = "127.0.0.1:7400"


class Client(DirectoryMixin):
    """A connection to one Hearsay gateway; close it when done (or use `with`).

    Either transport offers the same methods and raises the same exceptions
    (hearsay.HearsayError subclasses). Connections are made on the first call,
    so an unreachable gateway surfaces there as hearsay.Unavailable. A Client
    may be shared by threads.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        token: str | None = None,
        tls: TlsOptions | bool | None = None,
        transport: Transport = "grpc",
        overlay: str = "",
        call_timeout_ms: int = 10_000,
        keepalive_ms: int = 30_000,
    ) -> None:
        tls_options = connection_tls(address, token, tls, overlay, call_timeout_ms, keepalive_ms)
        self._overlay = overlay
        self._transport_name: Transport = transport
        self._call_timeout_ms = call_timeout_ms
        self._wire: Wire
        if transport == "grpc":
            self._address = address or DEFAULT_GRPC_ADDRESS
            self._wire = GrpcTransport(self._address, token, tls_options, call_timeout_ms, keepalive_ms)
        elif transport == "thrift":
            if not address:
                raise ValueError("address: transport='thrift' needs the gateway's Thrift address (host:port)")
            if tls_options is not None:
                raise ValueError("tls: TLS is offered on the gRPC transport only")
            self._address = address
            self._wire = ThriftTransport(address, token, call_timeout_ms)
        else:
            raise ValueError(f"transport: 'grpc' or 'thrift', got {transport!r}")
        self._classes = ClassTable()
        self._open: set[Any] = set()
        self._open_lock = threading.Lock()
        self._keeper = ServiceKeeper(
            lambda s: self._wire.register_service(self._overlay, s),
            lambda name, sid: self._wire.deregister_service(self._overlay, name, sid),
        )
        self._closed = False

    @property
    def address(self) -> str:
        return self._address

    @property
    def transport(self) -> Transport:
        return self._transport_name

    @property
    def overlay(self) -> str:
        """Overlay every call addresses; "" means the gateway's default."""
        return self._overlay

    def info(self) -> GatewayInfo:
        """The gateway's node name, version, API version, limits and features."""
        return self._live().info(self._overlay)

    # -- digest types ---------------------------------------------------------------

    def register_type(
        self, message_class: type, *, description: str = "", skip_payload_validation: bool = False
    ) -> RegisteredType:
        """Registers the type of a protobuf generated class (its FileDescriptorSet, imports
        included) or of a Thrift generated struct class. Identical re-registration is fine
        (created=False); an incompatible change raises FailedPrecondition naming the field."""
        schema = schema_of_class(message_class)
        return self._register(schema, message_class, description, skip_payload_validation)

    def register_type_from_file(
        self,
        path: str | Path,
        type_name: str,
        *,
        include_paths: Sequence[str | Path] | None = None,
        message_class: type | None = None,
        description: str = "",
        skip_payload_validation: bool = False,
    ) -> RegisteredType:
        """Registers `type_name` from a .proto or .thrift file and the files it imports.

        include_paths: where imports are looked up (default: the file's directory).
        message_class: the generated class to publish and decode this type with.
        """
        schema = schema_from_file(path, type_name, include_paths)
        return self._register(schema, message_class, description, skip_payload_validation)

    def register_type_from_source(
        self,
        type_name: str,
        files: str | Mapping[str, str] | Sequence[tuple[str, str]],
        format: SourceFormat,
        *,
        message_class: type | None = None,
        description: str = "",
        skip_payload_validation: bool = False,
    ) -> RegisteredType:
        """Registers `type_name` from schema text: one file's content, {path: content} or [(path, content)]."""
        schema = schema_from_source(type_name, files, format)
        return self._register(schema, message_class, description, skip_payload_validation)

    def get_type(self, name: str) -> DigestType:
        """One registered type; NotFound if unknown."""
        return self._live().get_type(self._overlay, name_arg(name, "name"))

    def list_types(self, name_prefix: str = "") -> list[DigestType]:
        """Registered types sorted by name, optionally only those starting with `name_prefix`."""
        return self._live().list_types(self._overlay, name_arg(name_prefix, "name_prefix", allow_empty=True))

    def _register(self, schema: NamedSchema, cls: type | None, description: str, skip: bool) -> RegisteredType:
        check_registration(cls, description, skip)
        registered = self._live().register_type(self._overlay, schema, skip, description)
        if cls is not None:
            self._classes.bind(schema.name, cls)
        return registered

    # -- publishing -----------------------------------------------------------------

    def publish(
        self,
        message: Any,
        payload: bytes | None = None,
        *,
        json: str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> PublishResult:
        """Publishes one digest once the gateway has logged it; `.id` is "origin:sequence".

        message: a protobuf message or Thrift struct (its type from its class), or a
        registered type name with `payload` (encoded bytes) or `json` (text or a mapping
        the gateway encodes with the type's schema).
        """
        digest = self._classes.new_digest(message, payload, json, headers)
        return self._live().publish(self._overlay, digest)

    def publish_batch(
        self, messages: Iterable[Any], *, headers: Mapping[str, str] | None = None, max_batch: int = 1024
    ) -> list[PublishResult]:
        """Publishes many digests in one call (PublishStream / publishBatch), in order.

        messages: message objects, or (type name, payload bytes) pairs. If one is refused
        the call raises its error naming its index; the ones before it stay published.
        """
        batches = publish_batches(self._classes, messages, headers, max_batch)
        timeout_s = self._call_timeout_ms / 1000 * max(1, len(batches))
        return self._live().publish_stream(self._overlay, batches, timeout_s)

    def publisher(
        self,
        *,
        max_batch: int = 1024,
        linger_ms: float = 5,
        max_pending: int = 65_536,
        max_stream_digests: int | None = None,
        max_stream_ms: int = 250,
    ) -> Publisher:
        """A batching publisher for high rates: publish() returns a future; close() flushes.

        max_batch: most digests per request (the gateway allows Info.limits.max_batch_digests).
        linger_ms: how long a partial batch waits for more digests.
        max_pending: digests queued or unacknowledged before publish() waits for room.
        max_stream_digests: digests per stream before it is ended for acknowledgements (16 x max_batch).
        max_stream_ms: longest a stream stays open, so acknowledgements come at least this often.
        """
        p = Publisher(
            self._live(),
            self._overlay,
            self._classes.new_digest,
            max_batch=max_batch,
            linger_ms=linger_ms,
            max_pending=max_pending,
            max_stream_digests=max_stream_digests,
            max_stream_ms=max_stream_ms,
            call_timeout_ms=self._call_timeout_ms,
            on_close=self._untrack,
        )
        self._track(p)
        return p

    # -- subscribing ----------------------------------------------------------------

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
        max_queued: int = 4_096,
        on_retry: RetryHook | None = None,
    ) -> Subscription:
        """Subscribes to digest types and returns an iterator of deliveries.

        types: message classes (deliveries carry decoded messages) or type names
        (decoded too when this client knows a class for the name), one or a list.
        resume_from: continue after this cursor; (origin, type) pairs absent from it
        follow `start` ("latest": published from now on; "earliest": all retained).
        include_caught_up: also yield the CaughtUpDelivery marker, once, in order: the
        backlog (retained history asked for) has been delivered, what follows is live
        (`caught_up` / `wait_caught_up()` report it either way).
        keepalive_ms: gateway keep-alive period on a quiet stream; the stream is
        reopened after 3 silent periods + 5 s.
        reconnect: reopen after failures (100 ms doubling to 5 s, jittered) resuming
        from the last cursor; False = raise the first failure.
        max_queued: deliveries buffered before the SDK stops reading (backpressure).
        on_retry: told (error, attempt, delay_ms) about each failure that will be retried.
        """
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
        int_in(max_queued, "max_queued", 1, 1 << 24)
        retry = reconnect_options(reconnect)
        wire = self._live()
        handle = wire.subscription_handler(state)
        spec = StreamSpec(
            open=lambda: wire.subscribe(state.request()),
            handle=handle,
            reconnect=retry,
            idle_timeout_ms=keepalive_ms * 3 + 5_000 if self._transport_name == "grpc" else 0,
            max_queued=max_queued,
            on_retry=on_retry,
            name=f"hearsay-subscribe {','.join(state.types)[:60]}",
        )
        return Subscription(state, lambda: self._stream(spec))

    def subscribe_in_background(
        self,
        types: Any,
        on_delivery: Callable[[Delivery], object],
        *,
        on_error: Callable[[BaseException], object] | None = None,
        **options: Any,
    ) -> BackgroundSubscription:
        """subscribe() with each delivery handed to `on_delivery` on a background thread.

        Takes subscribe()'s keyword options. If the callback raises (or the gateway
        refuses the subscription), it ends and `on_error` gets the exception.
        """
        if not callable(on_delivery):
            raise TypeError(f"on_delivery: a callable taking one Delivery, got {on_delivery!r}")
        if on_error is not None and not callable(on_error):
            raise TypeError(f"on_error: a callable taking the exception, got {on_error!r}")
        return BackgroundSubscription(self.subscribe(types, **options), on_delivery, on_error)

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        """Ends open subscriptions and watches, aborts publishers (close() them first to
        flush), deregisters TTL-kept services, closes the connection. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        with self._open_lock:
            things, self._open = list(self._open), set()
        for t in things:
            if isinstance(t, Publisher):
                t.abort()
            else:
                t.close()  # a ResilientStream
        self._keeper.stop(deregister=True)
        self._wire.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<hearsay.Client {self._transport_name} {self._address} {state}>"

    def _live(self) -> Wire:
        if self._closed:
            raise RuntimeError("this hearsay.Client is closed")
        return self._wire

    def _track(self, thing: Any) -> None:
        with self._open_lock:
            self._open.add(thing)

    def _untrack(self, thing: Any) -> None:
        with self._open_lock:
            self._open.discard(thing)

    def _stream(self, spec: StreamSpec) -> ResilientStream[Any]:
        # Tracked until it ends, so close() can end it; the reader thread keeps it alive.
        holder: list[ResilientStream[Any]] = []

        def ended(_err: object) -> None:
            if holder:
                self._untrack(holder[0])

        stream: ResilientStream[Any] = ResilientStream(spec, on_end=ended)
        holder.append(stream)
        if not stream.ended:
            self._track(stream)
        return stream


def connect(
    address: str | None = None,
    *,
    token: str | None = None,
    tls: TlsOptions | bool | None = None,
    transport: Transport = "grpc",
    overlay: str = "",
    call_timeout_ms: int = 10_000,
    keepalive_ms: int = 30_000,
) -> Client:
    """Connects to a gateway (lazily: the first call opens the connection).

    address: "host:port" of the gateway's gRPC or Thrift port (gRPC default 127.0.0.1:7400).
    token: client token; sent as `authorization: Bearer` (gRPC) or as each call's first argument (Thrift).
    tls: True for TLS verified by the system's roots, or TlsOptions; gRPC only.
    transport: "grpc" (default) or "thrift" (framed TCP, binary protocol).
    overlay: overlay to address; "" = the gateway's default.
    call_timeout_ms: deadline of each call; past it the call raises DeadlineExceeded.
    keepalive_ms: gRPC keep-alive ping period on idle connections.
    """
    return Client(
        address,
        token=token,
        tls=tls,
        transport=transport,
        overlay=overlay,
        call_timeout_ms=call_timeout_ms,
        keepalive_ms=keepalive_ms,
    )

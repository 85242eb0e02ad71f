"""The Thrift side of a client: framed TCP + binary protocol, HearsayError -> exception mapping.

Thrift has no streams: subscriptions and watches are long-poll loops, each on
a connection of its own so a waiting poll never holds up the client's calls.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from thrift.protocol.TBinaryProtocol import TBinaryProtocolAccelerated
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TFramedTransport, TTransportException

from hearsay import _thrift_convert as cv
from hearsay._address import split_host_port
from hearsay._stubs import thrift_gateway, thrift_types
from hearsay._wire import DigestSink, NewDigest, ServiceSpec, SubscribeSpec
from hearsay.delivery import PublishResult
from hearsay.errors import (
    DeadlineExceeded,
    HearsayError,
    Internal,
    NotFound,
    Unavailable,
    Unimplemented,
    error_from_code,
)
from hearsay.info import GatewayInfo
from hearsay.members import Member, MemberEvent, MemberStatus
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema
from hearsay.services import Service, ServiceEvent

__all__ = ["ThriftTransport", "ThriftConnection", "from_thrift_error", "from_thrift_exception"]

#: Most items one poll asks for (the gateway caps it at 4096).
POLL_MAX_ITEMS = 4096
#: Longest wait of one poll, ms; kept well under the call deadline.
POLL_MAX_WAIT_MS = 5_000

_INDEX = re.compile(r"^digests\[(\d+)\]")


def from_thrift_error(e: Any) -> HearsayError:
    """The SDK exception for the API's HearsayError (same numbers as the gRPC status codes)."""
    return error_from_code(e.code or 0, e.message or "")


def from_thrift_exception(e: Exception, method: str, address: str, timeout_s: float) -> HearsayError | None:
    """The SDK exception for anything a Thrift call raised; None for what is not a call failure."""
    if isinstance(e, thrift_types.HearsayError):
        return from_thrift_error(e)
    if isinstance(e, TApplicationException):
        cls: type[HearsayError] = Unimplemented if e.type == TApplicationException.UNKNOWN_METHOD else Internal
        return cls(f"{method}: {e.message or e}")
    if isinstance(e, TTransportException):
        if e.type == TTransportException.TIMED_OUT:
            return DeadlineExceeded(f"{method}: no answer within {timeout_s:g} s")
        return Unavailable(f"{method}: connection to {address} failed: {e.message or e}")
    if isinstance(e, (TProtocolException, EOFError)):
        return Internal(f"{method}: malformed reply from {address}: {e}")
    if isinstance(e, TimeoutError):
        return DeadlineExceeded(f"{method}: no answer within {timeout_s:g} s")
    if isinstance(e, OSError):
        return Unavailable(f"{method}: connection to {address} failed: {e}")
    return None


class ThriftConnection:
    """One framed connection, opened on first use and reopened after a transport failure.

    Thrift clients are not thread-safe; a lock serializes calls. `interrupt()`
    (any thread) breaks a call that is waiting, e.g. a long poll.
    """

    def __init__(self, address: str, token: str | None, call_timeout_ms: int) -> None:
        self._address = address
        self._host, self._port = split_host_port(address)
        self._token = token or ""  # the API's "no token"
        self._timeout_s = call_timeout_ms / 1000
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._transport: TFramedTransport | None = None
        self._client: Any = None

    def _connect(self) -> None:
        # Our own connect (not TSocket.open) so a refused port is one clean
        # error rather than a log line plus an exception.
        try:
            sock = socket.create_connection((self._host, self._port), timeout=self._timeout_s)
        except TimeoutError as e:
            raise Unavailable(f"cannot reach the gateway at {self._address} (Thrift): connect timed out") from e
        except OSError as e:
            raise Unavailable(f"cannot reach the gateway at {self._address} (Thrift): {e.strerror or e}") from e
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(self._timeout_s)
        tsock = TSocket()
        tsock.setHandle(sock)
        self._sock = sock
        self._transport = TFramedTransport(tsock)
        self._client = thrift_gateway.Client(TBinaryProtocolAccelerated(self._transport))

    def _drop(self) -> None:
        # After a transport fault or timeout the stream may hold a late reply: never reuse it.
        if self._transport is not None:
            self._transport.close()
        self._sock = None
        self._transport = None
        self._client = None

    def call(self, method: str, *args: Any) -> Any:
        """Calls one Thrift method by name (e.g. "info"); the token goes first, as the API wants."""
        with self._lock:
            if self._client is None:
                self._connect()
            try:
                return getattr(self._client, method)(self._token, *args)
            except Exception as e:
                err = from_thrift_exception(e, method, self._address, self._timeout_s)
                if err is None:
                    raise
                if not isinstance(e, (thrift_types.HearsayError, TApplicationException)):
                    self._drop()  # the stream may hold a late reply: never reuse it
                raise err from None

    def interrupt(self) -> None:
        """Wakes a call blocked on this connection (it then fails with Unavailable)."""
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.interrupt()
        with self._lock:
            self._drop()


class _PollStream:
    """A Thrift long-poll loop as a StreamCall: open (returns an id), then poll until cancelled.

    Yields ("started", id) first, then each poll's list (empty ones too: they
    show the gateway is alive). A poll answering NOT_FOUND means the gateway
    expired the subscription (not polled for its idle bound, e.g. while the
    consumer held us back): that surfaces as Unavailable, so it is reopened.
    """

    def __init__(
        self,
        connect: Callable[[], ThriftConnection],
        open_call: tuple[str, Any],
        poll_method: str,
        wait_ms: int,
        unsubscribe: Callable[[str], None],
        max_items: int = POLL_MAX_ITEMS,
    ) -> None:
        self._connect = connect
        self._open = open_call
        self._poll = poll_method
        self._wait_ms = wait_ms
        self._max_items = max_items
        self._unsubscribe = unsubscribe
        self._conn: ThriftConnection | None = None
        self._cancelled = threading.Event()

    def __iter__(self) -> Iterator[Any]:
        conn = self._conn = self._connect()
        sub_id = ""
        try:
            if self._cancelled.is_set():
                return
            sub_id = conn.call(self._open[0], self._open[1])
            yield ("started", sub_id)
            while not self._cancelled.is_set():
                try:
                    items = conn.call(self._poll, sub_id, self._max_items, self._wait_ms)
                except NotFound as e:
                    raise Unavailable(f"{self._poll}: the gateway expired this subscription ({e.message})") from None
                yield items or []
        except HearsayError:
            if self._cancelled.is_set():
                return
            raise
        finally:
            conn.close()
            if sub_id:
                try:
                    self._unsubscribe(sub_id)
                except HearsayError:
                    pass  # the gateway expires it by itself

    def cancel(self) -> None:
        self._cancelled.set()
        if self._conn is not None:
            self._conn.interrupt()


class ThriftTransport:
    """Calls go over one shared connection; each long-poll stream opens its own."""

    def __init__(self, address: str, token: str | None, call_timeout_ms: int) -> None:
        self._address = address
        self._token = token
        self._call_timeout_ms = call_timeout_ms
        self._conn = ThriftConnection(address, token, call_timeout_ms)
        # Polls return at least this often, so a dead gateway shows as a failed poll.
        self._wait_ms = max(100, min(POLL_MAX_WAIT_MS, call_timeout_ms // 2))

    def call(self, method: str, *args: Any) -> Any:
        return self._conn.call(method, *args)

    def info(self, overlay: str) -> GatewayInfo:
        return cv.info(self.call("info", overlay))

    def register_type(
        self, overlay: str, schema: NamedSchema, skip_payload_validation: bool, description: str
    ) -> RegisteredType:
        req = cv.register_request(overlay, schema, skip_payload_validation, description)
        return cv.registered(self.call("registerDigestType", req))

    def get_type(self, overlay: str, name: str) -> DigestType:
        return cv.digest_type(self.call("getDigestType", overlay, name))

    def list_types(self, overlay: str, name_prefix: str) -> list[DigestType]:
        return [cv.digest_type(t) for t in self.call("listDigestTypes", overlay, name_prefix) or ()]

    def publish(self, overlay: str, digest: NewDigest) -> PublishResult:
        return cv.publish_result(self.call("publish", overlay, cv.new_digest(digest)))

    def publish_stream(self, overlay: str, batches: Iterable[list[NewDigest]], timeout_s: float) -> list[PublishResult]:
        results: list[PublishResult] = []
        for batch in batches:
            try:
                answer = self.call("publishBatch", overlay, [cv.new_digest(d) for d in batch])
            except HearsayError as e:
                # Name the index within the whole call, as the gRPC PublishStream does.
                m = _INDEX.match(e.message)
                if m is None or not results:
                    raise
                at = len(results) + int(m.group(1))
                msg = _INDEX.sub(f"digests[{at}]", e.message, count=1) + f" ({at} accepted before it)"
                raise error_from_code(e.code, msg) from None
            results.extend(cv.publish_result(r) for r in answer or ())
        return results

    def _poll_stream(self, open_method: str, request: Any, poll_method: str, max_items: int = 0) -> _PollStream:
        return _PollStream(
            lambda: ThriftConnection(self._address, self._token, self._call_timeout_ms),
            (open_method, request),
            poll_method,
            self._wait_ms,
            lambda sub_id: self.call("unsubscribe", sub_id),
            min(max_items, POLL_MAX_ITEMS) if max_items > 0 else POLL_MAX_ITEMS,
        )

    def subscribe(self, spec: SubscribeSpec) -> _PollStream:
        # A poll answer is Thrift's batch: max_batch_digests bounds it as it bounds gRPC batches.
        return self._poll_stream("subscribe", cv.subscribe_request(spec), "poll", spec.max_batch_digests)

    def subscription_handler(self, sink: DigestSink) -> Callable[[Any], list[Any]]:
        return cv.subscription_handler(sink)

    def members(self, overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]) -> list[Member]:
        return [cv.member(m) for m in self.call("listMembers", cv.list_members_request(overlay, statuses, tags)) or ()]

    def watch_members(self, overlay: str, include_current: bool, tags: Mapping[str, str]) -> _PollStream:
        req = thrift_types.WatchMembersRequest(overlay=overlay, includeCurrent=include_current, tags=dict(tags))
        return self._poll_stream("watchMembers", req, "pollMembers")

    def member_events(self, item: Any) -> list[MemberEvent]:
        return [] if isinstance(item, tuple) else [cv.member_event(e) for e in item]

    def register_service(self, overlay: str, spec: ServiceSpec) -> Service:
        return cv.service(self.call("registerService", cv.register_service_request(overlay, spec)))

    def deregister_service(self, overlay: str, name: str, id: str) -> bool:
        return bool(self.call("deregisterService", overlay, name, id))

    def services(self, overlay: str, name: str, passing_only: bool, tags: Mapping[str, str]) -> list[Service]:
        req = thrift_types.ListServicesRequest(overlay=overlay, name=name, passingOnly=passing_only, tags=dict(tags))
        return [cv.service(s) for s in self.call("listServices", req) or ()]

    def watch_services(self, overlay: str, name: str, include_current: bool) -> _PollStream:
        req = thrift_types.WatchServicesRequest(overlay=overlay, name=name, includeCurrent=include_current)
        return self._poll_stream("watchServices", req, "pollServices")

    def service_events(self, item: Any) -> list[ServiceEvent]:
        return [] if isinstance(item, tuple) else [cv.service_event(e) for e in item]

    def close(self) -> None:
        self._conn.close()

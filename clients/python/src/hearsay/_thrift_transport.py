"""The Thrift side of a client: framed TCP + binary protocol, HearsayError -> exception mapping."""

from __future__ import annotations

import socket
import threading
from typing import Any

from thrift.protocol.TBinaryProtocol import TBinaryProtocolAccelerated
from thrift.protocol.TProtocol import TProtocolException
from thrift.Thrift import TApplicationException
from thrift.transport.TSocket import TSocket
from thrift.transport.TTransport import TFramedTransport, TTransportException

from hearsay._address import split_host_port
from hearsay._stubs import thrift_gateway, thrift_types
from hearsay.errors import DeadlineExceeded, HearsayError, Internal, Unavailable, Unimplemented, error_from_code
from hearsay.info import GatewayInfo, Limits

__all__ = ["ThriftTransport"]


def _info(res: Any) -> GatewayInfo:
    # Thrift leaves unset fields None; the gRPC API reads them as zero.
    lim = res.limits or thrift_types.Limits()
    return GatewayInfo(
        node_name=res.nodeName or "",
        overlay=res.overlay or "",
        version=res.version or "",
        api_version=res.apiVersion or 0,
        protocol_version=res.protocolVersion or 0,
        overlay_address=res.overlayAddress or "",
        uptime_ms=res.uptimeMs or 0,
        alive_members=res.aliveMembers or 0,
        limits=Limits(
            max_digest_bytes=lim.maxDigestBytes or 0,
            max_headers=lim.maxHeaders or 0,
            max_header_bytes=lim.maxHeaderBytes or 0,
            max_types_per_subscription=lim.maxTypesPerSubscription or 0,
            max_subscriptions_per_client=lim.maxSubscriptionsPerClient or 0,
            max_batch_digests=lim.maxBatchDigests or 0,
        ),
        features=tuple(res.features or ()),
    )


class ThriftTransport:
    """One connection, opened on first use and reopened after a transport failure.

    Thrift clients are not thread-safe; a lock serializes calls.
    """

    def __init__(self, address: str, token: str | None, call_timeout_ms: int) -> None:
        self._address = address
        self._host, self._port = split_host_port(address)
        self._token = token or ""  # the API's "no token"
        self._timeout_s = call_timeout_ms / 1000
        self._lock = threading.Lock()
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
        self._transport = TFramedTransport(tsock)
        self._client = thrift_gateway.Client(TBinaryProtocolAccelerated(self._transport))

    def _drop(self) -> None:
        # After a transport fault or timeout the stream may hold a late reply:
        # never reuse it.
        if self._transport is not None:
            self._transport.close()
        self._transport = None
        self._client = None

    def call(self, method: str, *args: Any) -> Any:
        """Calls one Thrift method by name (e.g. "info"); the token goes first, as the API wants."""
        with self._lock:
            if self._client is None:
                self._connect()
            try:
                return getattr(self._client, method)(self._token, *args)
            except thrift_types.HearsayError as e:
                raise error_from_code(e.code or 0, e.message or "") from e
            except TApplicationException as e:
                cls: type[HearsayError] = Unimplemented if e.type == TApplicationException.UNKNOWN_METHOD else Internal
                raise cls(f"{method}: {e.message or e}") from e
            except TTransportException as e:
                self._drop()
                if e.type == TTransportException.TIMED_OUT:
                    raise DeadlineExceeded(f"{method}: no answer within {self._timeout_s:g} s") from e
                raise Unavailable(f"{method}: connection to {self._address} failed: {e.message or e}") from e
            except (TProtocolException, EOFError) as e:
                self._drop()
                raise Internal(f"{method}: malformed reply from {self._address}: {e}") from e
            except TimeoutError as e:
                self._drop()
                raise DeadlineExceeded(f"{method}: no answer within {self._timeout_s:g} s") from e
            except OSError as e:
                self._drop()
                raise Unavailable(f"{method}: connection to {self._address} failed: {e}") from e

    def info(self, overlay: str) -> GatewayInfo:
        return _info(self.call("info", overlay))

    def close(self) -> None:
        with self._lock:
            self._drop()

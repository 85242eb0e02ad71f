"""`connect()` and the Client: one connection to one local gateway, over gRPC or Thrift."""

from __future__ import annotations

from types import TracebackType
from typing import Literal, Protocol

from hearsay._grpc_transport import GrpcTransport
from hearsay._thrift_transport import ThriftTransport
from hearsay.info import GatewayInfo
from hearsay.options import TlsOptions

__all__ = ["Client", "connect", "Transport", "DEFAULT_GRPC_ADDRESS"]

Transport = Literal["grpc", "thrift"]

#: Where `hearsay agent` serves gRPC unless told otherwise. Thrift is off by
#: default on the gateway, so it has no default address here.
DEFAULT_GRPC_ADDRESS = "127.0.0.1:7400"


class _Wire(Protocol):
    def info(self, overlay: str) -> GatewayInfo: ...
    def close(self) -> None: ...


class Client:
    """A connection to one Hearsay gateway; close it when done (or use `with`).

    Either transport offers the same methods and raises the same exceptions
    (hearsay.HearsayError subclasses). Connections are made on the first call,
    so an unreachable gateway surfaces there as hearsay.Unavailable.
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
        if call_timeout_ms <= 0:
            raise ValueError(f"call_timeout_ms must be > 0, got {call_timeout_ms}")
        tls_options = TlsOptions() if tls is True else (tls or None)
        self._overlay = overlay
        self._transport_name: Transport = transport
        self._wire: _Wire
        if transport == "grpc":
            self._address = address or DEFAULT_GRPC_ADDRESS
            self._wire = GrpcTransport(self._address, token, tls_options, call_timeout_ms, keepalive_ms)
        elif transport == "thrift":
            if not address:
                raise ValueError("transport='thrift' needs the gateway's Thrift address (host:port)")
            if tls_options is not None:
                raise ValueError("TLS is offered on the gRPC transport only")
            self._address = address
            self._wire = ThriftTransport(address, token, call_timeout_ms)
        else:
            raise ValueError(f"transport must be 'grpc' or 'thrift', got {transport!r}")
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

    def close(self) -> None:
        """Closes the connection; further calls raise RuntimeError. Safe to call twice."""
        if not self._closed:
            self._closed = True
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

    def _live(self) -> _Wire:
        if self._closed:
            raise RuntimeError("this hearsay.Client is closed")
        return self._wire


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

"""The gRPC side of a client: one channel, the generated stub, status -> exception mapping."""

from __future__ import annotations

from typing import Any

import grpc

from hearsay._stubs import gateway_pb2, gateway_pb2_grpc
from hearsay.errors import HearsayError, error_from_code
from hearsay.info import GatewayInfo, Limits
from hearsay.options import TlsOptions

__all__ = ["GrpcTransport", "from_grpc_error"]


def from_grpc_error(err: grpc.RpcError) -> HearsayError:
    """The SDK exception for a failed call; status numbers are the shared error codes."""
    code = err.code() if isinstance(err, grpc.Call) else None
    details = err.details() if isinstance(err, grpc.Call) else None
    number = code.value[0] if code is not None else 13
    return error_from_code(number, details or str(err))


def _credentials(tls: TlsOptions) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(root_certificates=tls.ca, private_key=tls.key, certificate_chain=tls.cert)


def _info(res: gateway_pb2.InfoResponse) -> GatewayInfo:
    lim = res.limits
    return GatewayInfo(
        node_name=res.node_name,
        overlay=res.overlay,
        version=res.version,
        api_version=res.api_version,
        protocol_version=res.protocol_version,
        overlay_address=res.overlay_address,
        uptime_ms=res.uptime_ms,
        alive_members=res.alive_members,
        limits=Limits(
            max_digest_bytes=lim.max_digest_bytes,
            max_headers=lim.max_headers,
            max_header_bytes=lim.max_header_bytes,
            max_types_per_subscription=lim.max_types_per_subscription,
            max_subscriptions_per_client=lim.max_subscriptions_per_client,
            max_batch_digests=lim.max_batch_digests,
        ),
        features=tuple(res.features),
    )


class GrpcTransport:
    """Thread-safe: gRPC channels and stubs may be shared by threads."""

    def __init__(
        self, address: str, token: str | None, tls: TlsOptions | None, call_timeout_ms: int, keepalive_ms: int
    ) -> None:
        options: list[tuple[str, Any]] = [
            # Ping idle connections so quiet subscription streams survive NATs and
            # proxies; the gateway accepts pings every >= 5 s.
            ("grpc.keepalive_time_ms", keepalive_ms),
            ("grpc.keepalive_permit_without_calls", 1),
            # 0 = no cap on pings while no data flows (a quiet stream is the point).
            ("grpc.http2.max_pings_without_data", 0),
        ]
        if tls is None:
            self._channel = grpc.insecure_channel(address, options=options)
        else:
            if tls.server_name:
                options.append(("grpc.ssl_target_name_override", tls.server_name))
            self._channel = grpc.secure_channel(address, _credentials(tls), options=options)
        self._stub = gateway_pb2_grpc.GatewayStub(self._channel)
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._timeout_s = call_timeout_ms / 1000

    def unary(self, method: str, request: Any) -> Any:
        """Calls one unary RPC by its proto name (e.g. "Info") with token and deadline."""
        try:
            return getattr(self._stub, method)(request, timeout=self._timeout_s, metadata=self._metadata)
        except grpc.RpcError as e:
            raise from_grpc_error(e) from e

    def info(self, overlay: str) -> GatewayInfo:
        return _info(self.unary("Info", gateway_pb2.InfoRequest(overlay=overlay)))

    def close(self) -> None:
        self._channel.close()

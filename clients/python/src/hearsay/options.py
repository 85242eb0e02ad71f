"""Connection options that are more than one value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TlsOptions"]


@dataclass(frozen=True, slots=True)
class TlsOptions:
    """TLS for the gRPC connection, as PEM bytes; all None = verify with the system's roots.

    Pass `tls=True` to `connect` for that default, or a TlsOptions for a private CA or mTLS.
    """

    #: CA certificate(s) to verify the gateway with; None = system roots.
    ca: bytes | None = None
    #: Client certificate chain, for gateways that require mutual TLS.
    cert: bytes | None = None
    #: Client private key matching `cert`.
    key: bytes | None = None
    #: Host name expected in the gateway's certificate when it differs from the address (tests, IPs).
    server_name: str | None = None

    def __post_init__(self) -> None:
        if (self.cert is None) != (self.key is None):
            raise ValueError("TlsOptions: cert and key go together (mutual TLS needs both)")

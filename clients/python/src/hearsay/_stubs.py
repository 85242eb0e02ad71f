"""The generated stubs (hearsay._gen, built by scripts/gen/python.sh), in one place.

They are not in git; a checkout without them gets this module's clear error
instead of a bare ModuleNotFoundError deep inside the SDK.
"""

from __future__ import annotations

try:
    from hearsay._gen.hearsay.v1 import errors_pb2, gateway_pb2, gateway_pb2_grpc, types_pb2
    from hearsay._gen.hearsay_thrift import Gateway as thrift_gateway
    from hearsay._gen.hearsay_thrift import ttypes as thrift_types
except ModuleNotFoundError as e:  # pragma: no cover - exercised only on a broken checkout
    if e.name is not None and e.name.startswith("hearsay._gen"):
        raise ImportError(
            "hearsay: the generated stubs (hearsay/_gen) are missing; "
            "run scripts/gen/python.sh (or `make gen`) in the repository"
        ) from e
    raise

__all__ = ["errors_pb2", "gateway_pb2", "gateway_pb2_grpc", "types_pb2", "thrift_gateway", "thrift_types"]

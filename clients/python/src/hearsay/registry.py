"""Digest types as the overlay's replicated registry holds them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["DigestType", "RegisteredType", "SchemaFormat"]


class SchemaFormat(IntEnum):
    """The schema language a type is described in (numbers as in hearsay.v1.SchemaFormat)."""

    UNSPECIFIED = 0
    #: .proto source text; payloads are protobuf binary.
    PROTO_SOURCE = 1
    #: Serialized FileDescriptorSet; payloads are protobuf binary.
    PROTO_DESCRIPTOR_SET = 2
    #: Thrift IDL; payloads are Thrift binary protocol.
    THRIFT_IDL = 3


@dataclass(frozen=True, slots=True)
class DigestType:
    """A registered digest type (its schema stays on the gateway: fetch it with the CLI)."""

    #: Fully qualified message or struct name, e.g. "demo.Greeting".
    name: str
    #: Grows by one per accepted compatible re-registration, from 1.
    version: int
    format: SchemaFormat
    #: Payloads are not checked against the schema (no JSON rendering then).
    skip_payload_validation: bool
    description: str
    #: Node that accepted this version.
    registered_by: str
    registered_at_ms: int
    #: Hex SHA-256 of the canonical schema; equal fingerprints mean identical schemas.
    fingerprint: str


@dataclass(frozen=True, slots=True)
class RegisteredType:
    """The answer to a registration: the type as now held, and whether this call created it."""

    type: DigestType
    #: False when an identical definition was already registered.
    created: bool

    @property
    def name(self) -> str:
        return self.type.name

    @property
    def version(self) -> int:
        return self.type.version

    @property
    def fingerprint(self) -> str:
        return self.type.fingerprint

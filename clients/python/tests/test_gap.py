"""Gap notices are delivered as their own kind of delivery, never swallowed.

The gateway's retention log holds at most 256 MiB: publishing ~280 digests of
~1 MiB to a gateway with no peers evicts the oldest ones for good, so a
subscription resuming from before them gets a RETENTION_EXPIRED gap notice,
then the digests that are still held.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TRANSPORTS, address
from gateways import Gateway

import hearsay

NAME = "testing.v1.Bulky"
SOURCE = 'syntax = "proto3"; package testing.v1; message Bulky { bytes blob = 1; }'
DIGESTS = 280


@pytest.fixture(scope="module")
def flooded(lone: Gateway) -> Iterator[list[hearsay.PublishResult]]:
    with hearsay.connect(lone.grpc, call_timeout_ms=60_000) as c:
        c.register_type_from_source(NAME, SOURCE, "proto", skip_payload_validation=True)
        limit = c.info().limits.max_digest_bytes
        blob = b"\x0a\xf0\xff\x3f" + b"x" * (limit - 1024)  # field 1, length-delimited; content irrelevant
        yield c.publish_batch([(NAME, blob)] * DIGESTS, max_batch=2)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_resuming_from_evicted_digests_delivers_a_gap_first(
    lone: Gateway, flooded: list[hearsay.PublishResult], transport: str
) -> None:
    # Stream sequence 0 of epoch 0 (the origin's oldest): everything of NAME, which retention
    # no longer holds in full.
    cursor = hearsay.Cursor((hearsay.CursorPosition(lone.name, NAME, 0),))
    with hearsay.connect(address(lone, transport), transport=transport) as c:  # type: ignore[arg-type]
        # Small batches: the gateway bounds a Subscribe batch by count only (1024), and 1024
        # digests of ~1 MiB would exceed its own 4 MiB message limit.
        with c.subscribe(NAME, resume_from=cursor, max_batch_digests=2) as sub:
            gap = sub.get(timeout=30)
            assert gap is not None and gap.kind == "gap", f"expected a gap notice first, got {gap}"
            nxt = sub.get(timeout=30)
    assert gap.reason == "RETENTION_EXPIRED" and gap.message
    (r,) = gap.ranges
    # NAME is published only by the flood: its stream sequences are 1..DIGESTS.
    assert (r.origin, r.type, r.from_sequence) == (lone.name, NAME, 1)
    assert r.epoch > 0 and 1 < r.to_sequence < DIGESTS
    assert gap.resume_from.position(lone.name, NAME) == hearsay.CursorPosition(lone.name, NAME, r.to_sequence, r.epoch)
    assert gap.cursor.position(lone.name, NAME) == hearsay.CursorPosition(lone.name, NAME, r.to_sequence, r.epoch)
    assert nxt is not None and nxt.kind == "digest"
    assert (nxt.epoch, nxt.stream_sequence) == (r.epoch, r.to_sequence + 1)
    assert nxt.id == flooded[r.to_sequence].id

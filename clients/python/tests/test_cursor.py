"""Cursor tracking: each delivery's cursor, computed lazily, equals the positions right after it."""

from __future__ import annotations

import random

import pytest

import hearsay
from hearsay._sub_state import SubscriptionState
from hearsay.cursor import CursorState


def expected(positions: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return dict(positions)


def as_dict(c: hearsay.Cursor) -> dict[tuple[str, str], int]:
    return {(p.origin, p.type): p.sequence for p in c.positions}


@pytest.mark.parametrize("segment", [1, 3, 1024])
def test_every_delivery_cursor_across_segments_and_gaps(monkeypatch: pytest.MonkeyPatch, segment: int) -> None:
    monkeypatch.setattr(CursorState, "SEGMENT", segment)
    rng = random.Random(7)
    start = hearsay.Cursor((hearsay.CursorPosition("n0", "t", 5),))
    st = SubscriptionState("", ("t", "u"), {}, start, True, False, 0, 15_000)
    st.request()
    truth = {("n0", "t"): 5}
    seqs = {("n0", "t"): 5, ("n1", "t"): 0, ("n1", "u"): 0, ("n2", "u"): 0}
    deliveries = []
    for i in range(500):
        key = rng.choice(list(seqs))
        if i % 97 == 96:  # a gap notice skips ahead on one key
            seqs[key] += 10
            truth[key] = seqs[key]
            g = st.gap(
                1,
                [(key[0], key[1], seqs[key] - 9, seqs[key], 0)],
                "lost",
                hearsay.Cursor((hearsay.CursorPosition(key[0], key[1], seqs[key]),)),
            )
            assert as_dict(g.cursor) == truth
            continue
        seqs[key] += 1
        d = st.digest(key[1], b"", key[0], i + 1, 0, {}, f"{key[0]}:0:{i + 1}", None, 0, seqs[key])
        assert d is not None
        truth[key] = seqs[key]
        deliveries.append((d, expected(truth)))
        dup = st.digest(key[1], b"", key[0], i + 1, 0, {}, "dup", None, 0, seqs[key])
        assert dup is None  # at or before: dropped
    order = list(range(len(deliveries)))
    rng.shuffle(order)  # read cursors out of order: each is still the state right after its delivery
    for i in order:
        d, want = deliveries[i]
        assert as_dict(d.cursor) == want
    assert as_dict(st.cursor) == truth

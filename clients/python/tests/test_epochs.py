"""Stream epochs: cursor positions order by (epoch, stream sequence), epochs first; epoch 0
is below every epoch; both transports carry epochs; the caught-up marker is surfaced once."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster

import hearsay
import hearsay.aio
from hearsay import _grpc_convert as gcv
from hearsay import _thrift_convert as tcv
from hearsay._stubs import gateway_pb2, types_pb2
from hearsay._stubs import thrift_types as tt
from hearsay._sub_state import SubscriptionState
from hearsay.cursor import CursorState


def state(resume_from: hearsay.Cursor | None = None, include_caught_up: bool = False) -> SubscriptionState:
    st = SubscriptionState("", ("t",), {}, resume_from, True, False, 0, 15_000, include_caught_up=include_caught_up)
    st.request()
    return st


def digest(st: SubscriptionState, epoch: int, sseq: int, origin: str = "n1", type: str = "t") -> object:
    return st.digest(type, b"", origin, sseq, 0, {}, f"{origin}:{epoch}:{sseq}", None, epoch, sseq)


def test_positions_order_epochs_first() -> None:
    p = hearsay.CursorPosition("n1", "t", 10, epoch=5)
    assert p.covers(5, 10) and p.covers(5, 3) and p.covers(4, 1_000_000) and p.covers(0, 99)
    assert not p.covers(5, 11) and not p.covers(6, 1)
    zero = hearsay.CursorPosition("n1", "t", 7)
    assert zero.epoch == 0
    assert zero.covers(0, 7) and not zero.covers(0, 8)
    assert not zero.covers(1, 1)  # epoch 0 is below every epoch


def test_cursor_state_advances_by_epoch_then_sequence() -> None:
    cs = CursorState()
    assert cs.advance("n1", "t", 3, 10) is not None
    assert cs.advance("n1", "t", 3, 10) is None  # same position
    assert cs.advance("n1", "t", 3, 9) is None  # before it
    assert cs.advance("n1", "t", 2, 500) is None  # an older epoch, however far
    assert cs.advance("n1", "t", 4, 1) is not None  # a newer epoch starts again from 1
    assert cs.at("n1", "t") == (4, 1)
    c = cs.snapshot()
    assert c.sequence("n1", "t") == 1 and c.epoch("n1", "t") == 4
    assert c.position("n1", "t") == hearsay.CursorPosition("n1", "t", 1, 4)


def test_resume_cursor_of_epoch_0_is_below_every_epoch() -> None:
    st = state(hearsay.Cursor((hearsay.CursorPosition("n1", "t", 50),)))
    assert digest(st, 0, 50) is None and digest(st, 0, 12) is None
    d = digest(st, 7, 1)  # the origin's real (oldest) epoch, from its start
    assert isinstance(d, hearsay.DigestDelivery)
    assert (d.epoch, d.stream_sequence) == (7, 1)
    assert d.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 1, 7)


def test_dedupe_across_an_epoch_change() -> None:
    st = state()
    got = [digest(st, 1, s) for s in (1, 2, 3)]
    assert all(isinstance(d, hearsay.DigestDelivery) for d in got)
    # The origin restarted without its data dir: epoch 2 counts from 1 again.
    assert isinstance(digest(st, 2, 1), hearsay.DigestDelivery)
    assert isinstance(digest(st, 2, 2), hearsay.DigestDelivery)
    # A reconnect replays: everything at or before (2, 2) is dropped, epoch 1 included.
    assert [digest(st, 1, s) for s in (1, 2, 3, 4)] == [None] * 4
    assert [digest(st, 2, s) for s in (1, 2)] == [None, None]
    d = digest(st, 2, 3)
    assert isinstance(d, hearsay.DigestDelivery) and d.id == "n1:2:3"
    assert st.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 3, 2)
    # Other (origin, type) pairs are independent.
    assert isinstance(digest(st, 1, 1, origin="n2"), hearsay.DigestDelivery)
    assert isinstance(digest(st, 1, 1, type="u"), hearsay.DigestDelivery)


def test_gap_resume_cursor_merges_epochs_first() -> None:
    st = state()
    digest(st, 3, 5)
    older = hearsay.Cursor((hearsay.CursorPosition("n1", "t", 900, 2),))
    g = st.gap(2, [("n1", "t", 1, 900, 2)], "expired", older)
    assert g.ranges == (hearsay.GapRange("n1", "t", 1, 900, 2),) and g.ranges[0].epoch == 2
    assert g.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 5, 3)  # not moved back
    newer = hearsay.Cursor((hearsay.CursorPosition("n1", "t", 0, 4),))  # skip to epoch 4's start
    g = st.gap(2, [("n1", "t", 6, 0, 3)], "expired", newer)
    assert g.ranges[0].to_sequence == 0  # through the end of epoch 3
    assert g.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 0, 4)
    assert digest(st, 3, 6) is None
    assert isinstance(digest(st, 4, 1), hearsay.DigestDelivery)


def test_cursor_json_keeps_epochs_and_reads_old_cursors() -> None:
    c = hearsay.Cursor((hearsay.CursorPosition("n1", "t", 2**53 - 1, 2**53 - 1), hearsay.CursorPosition("n2", "t", 3)))
    assert hearsay.Cursor.from_json(c.to_json()) == c
    assert '"epoch": "9007199254740991"' in c.to_json()
    old = hearsay.Cursor.from_json('{"positions": [{"origin": "n1", "type": "t", "sequence": "4"}]}')
    assert old.positions == (hearsay.CursorPosition("n1", "t", 4, 0),)
    num = hearsay.Cursor.from_json('{"positions": [{"origin": "n1", "type": "t", "sequence": 4, "epoch": 9}]}')
    assert num.epoch("n1", "t") == 9
    with pytest.raises(ValueError, match="epoch"):
        hearsay.Cursor.from_json('{"positions": [{"origin": "n1", "type": "t", "epoch": "-1"}]}')
    with pytest.raises(ValueError, match="epoch"):
        hearsay.CursorPosition("n1", "t", 1, -1)
    with pytest.raises(ValueError, match="epoch"):
        hearsay.CursorPosition("n1", "t", 1, 2**53)
    with pytest.raises(TypeError, match="epoch"):
        hearsay.CursorPosition("n1", "t", 1, True)


CURSOR = hearsay.Cursor(
    (hearsay.CursorPosition("n1", "t", 12, 1_700_000_000_123), hearsay.CursorPosition("n2", "u", 3))
)


def test_cursor_round_trips_grpc_with_epoch() -> None:
    pb = gcv.cursor_to_proto(CURSOR)
    assert [(p.sequence, p.epoch) for p in pb.positions] == [(12, 1_700_000_000_123), (3, 0)]
    wire = types_pb2.Cursor.FromString(pb.SerializeToString())
    assert gcv.cursor_from_proto(wire) == CURSOR


def test_cursor_round_trips_thrift_with_epoch() -> None:
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TTransport

    out = TTransport.TMemoryBuffer()
    tcv.cursor_to_thrift(CURSOR).write(TBinaryProtocol.TBinaryProtocol(out))
    back = tt.Cursor()
    back.read(TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(out.getvalue())))
    assert [(p.sequence, p.epoch) for p in back.positions] == [(12, 1_700_000_000_123), (3, 0)]
    assert tcv.cursor_from_thrift(back) == CURSOR
    assert tcv.cursor_from_thrift(tt.Cursor(positions=[tt.CursorPosition(origin="n", type="t")])).positions == (
        hearsay.CursorPosition("n", "t", 0, 0),
    )


def test_grpc_handler_reads_epochs_gaps_and_caught_up() -> None:
    st = state(include_caught_up=True)
    handle = gcv.subscription_handler(st)
    handle(gateway_pb2.SubscribeResponse(started=gateway_pb2.SubscriptionStarted(subscription_id="s1")))
    r = gateway_pb2.SubscribeResponse()
    r.batch.digests.add(type="t", origin="n1", sequence=40, epoch=6, stream_sequence=2, id="n1:6:40")
    r.batch.digests.add(type="t", origin="n1", sequence=41, epoch=6, stream_sequence=2, id="n1:6:41")  # dup
    (d,) = handle(r)
    assert isinstance(d, hearsay.DigestDelivery)
    assert (d.id, d.sequence, d.epoch, d.stream_sequence) == ("n1:6:40", 40, 6, 2)
    assert not st.caught_up_event.is_set()
    (c,) = handle(gateway_pb2.SubscribeResponse(caught_up=gateway_pb2.CaughtUp(server_time_ms=99, backlog_digests=1)))
    assert isinstance(c, hearsay.CaughtUpDelivery) and c.kind == "caught_up"
    assert (c.server_time_ms, c.backlog_digests) == (99, 1)
    assert c.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 2, 6)
    assert st.caught_up_event.is_set() and st.caught_up_info is c
    # A reconnected stream sends its own marker: not surfaced again.
    assert handle(gateway_pb2.SubscribeResponse(caught_up=gateway_pb2.CaughtUp(server_time_ms=200))) == []
    g = gateway_pb2.SubscribeResponse()
    g.gap.reason = types_pb2.GAP_REASON_RETENTION_EXPIRED
    g.gap.ranges.add(origin="n1", type="t", from_sequence=3, to_sequence=0, epoch=6)
    g.gap.resume_from.positions.add(origin="n1", type="t", sequence=0, epoch=7)
    (gap,) = handle(g)
    assert isinstance(gap, hearsay.GapDelivery)
    assert gap.ranges == (hearsay.GapRange("n1", "t", 3, 0, 6),)
    assert gap.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 0, 7)


def test_caught_up_item_only_when_asked_for() -> None:
    st = state()
    handle = gcv.subscription_handler(st)
    assert handle(gateway_pb2.SubscribeResponse(caught_up=gateway_pb2.CaughtUp(backlog_digests=0))) == []
    assert st.caught_up_event.is_set() and st.caught_up_info is not None


def test_thrift_handler_reads_epochs_gaps_and_caught_up() -> None:
    st = state(include_caught_up=True)
    handle = tcv.subscription_handler(st)
    handle(("started", "s1"))
    items = [
        tt.SubscriptionItem(
            batch=[
                tt.Digest(type="t", origin="n1", sequence=8, epoch=3, streamSequence=5, id="n1:3:8"),
                tt.Digest(type="t", origin="n1", sequence=9, epoch=2, streamSequence=9, id="n1:2:9"),  # older epoch
            ]
        ),
        tt.SubscriptionItem(caughtUp=tt.CaughtUp(serverTimeMs=5, backlogDigests=2)),
        tt.SubscriptionItem(
            gap=tt.GapNotice(
                reason=1,
                ranges=[tt.GapRange(origin="n1", type="t", fromSequence=6, toSequence=8, epoch=3)],
                message="slow",
                resumeFrom=tt.Cursor(positions=[tt.CursorPosition(origin="n1", type="t", sequence=8, epoch=3)]),
            )
        ),
        tt.SubscriptionItem(caughtUp=tt.CaughtUp(serverTimeMs=6, backlogDigests=0)),
    ]
    d, c, g = handle(items)
    assert isinstance(d, hearsay.DigestDelivery) and (d.epoch, d.stream_sequence, d.sequence) == (3, 5, 8)
    assert isinstance(c, hearsay.CaughtUpDelivery) and (c.server_time_ms, c.backlog_digests) == (5, 2)
    assert isinstance(g, hearsay.GapDelivery) and g.ranges == (hearsay.GapRange("n1", "t", 6, 8, 3),)
    assert g.reason == "SLOW_CONSUMER" and g.cursor.position("n1", "t") == hearsay.CursorPosition("n1", "t", 8, 3)


# -- live: a gateway sends epochs, stream sequences and the caught-up marker ---------------

EVENT = "testing.v1.Event"


def next_of_run(sub: hearsay.Subscription, run: str) -> hearsay.DigestDelivery:
    """The next digest of this run; late pushes of earlier tests' digests are skipped."""
    deadline = time.monotonic() + 20
    while True:
        d = sub.get(timeout=max(0.01, deadline - time.monotonic()))
        assert d is not None and d.kind == "digest", f"unexpected {d}"
        if getattr(d.message, "run", None) == run:
            return d


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_caught_up_follows_the_backlog_then_live(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    with (
        hearsay.connect(address(cluster[0], transport), transport=transport) as pub,  # type: ignore[arg-type]
        hearsay.connect(address(cluster[0], transport), transport=transport) as sc,  # type: ignore[arg-type]
    ):
        # Subscribed at the origin: its retention holds what it accepted (a peer's may still
        # be receiving the push).
        pub.register_type(Event)
        sent = pub.publish_batch([Event(run=run_id, seq=s) for s in (1, 2, 3)])
        with sc.subscribe(Event, start="earliest", include_caught_up=True) as sub:
            backlog: list[hearsay.DigestDelivery] = []
            mark = None
            deadline = time.monotonic() + 30
            while mark is None:
                d = sub.get(timeout=max(0.01, deadline - time.monotonic()))
                assert d is not None and d.kind != "gap", f"unexpected {d}"
                if d.kind == "caught_up":
                    mark = d
                else:
                    backlog.append(d)
            assert sub.caught_up and sub.wait_caught_up(1) is mark
            mine = [d for d in backlog if getattr(d.message, "run", None) == run_id]
            assert [d.id for d in mine] == [r.id for r in sent]
            assert mark.backlog_digests == len(backlog) and mark.server_time_ms > 0
            assert mark.cursor == backlog[-1].cursor
            live = pub.publish(Event(run=run_id, seq=4))
            d = sub.get(timeout=20)
            assert d is not None and d.kind == "digest" and d.id == live.id
            assert (d.epoch, d.stream_sequence) == (mine[-1].epoch, mine[-1].stream_sequence + 1)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_wait_caught_up_on_a_latest_subscription(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    with (
        hearsay.connect(address(cluster[0], transport), transport=transport) as pub,  # type: ignore[arg-type]
        hearsay.connect(address(cluster[1], transport), transport=transport) as sc,  # type: ignore[arg-type]
    ):
        pub.register_type(Event)
        with sc.subscribe(Event) as sub:
            assert not sub.caught_up or sub.wait_caught_up(0) is not None
            mark = sub.wait_caught_up(15)
            assert sub.caught_up and mark.kind == "caught_up"
            live = pub.publish(Event(run=run_id, seq=1))
            d = next_of_run(sub, run_id)
            assert d.id == live.id  # the marker is not yielded


def test_aio_wait_caught_up(cluster: Cluster, Event: type, run_id: str) -> None:
    async def main() -> None:
        async with hearsay.aio.connect(cluster[1].grpc) as sc:
            with hearsay.connect(cluster[0].grpc) as pub:
                pub.register_type(Event)
                sub = sc.subscribe(Event, include_caught_up=True)
                async with sub:
                    mark = await sub.wait_caught_up(15)
                    assert sub.caught_up and mark.kind == "caught_up"
                    live = pub.publish(Event(run=run_id, seq=1))
                    items = []
                    while not items or items[-1].kind != "digest" or items[-1].id != live.id:
                        d = await sub.get(timeout=20)
                        assert d is not None and d.kind != "gap", f"unexpected {d}"
                        items.append(d)
                    # Read by wait_caught_up, the marker is kept for the iterator, in order.
                    assert [d for d in items if d.kind == "caught_up"] == [mark]

    asyncio.run(asyncio.wait_for(main(), 60))

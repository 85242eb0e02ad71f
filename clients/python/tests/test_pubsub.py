"""Register, publish and subscribe through real gateways, over gRPC and over Thrift.

Publishers talk to gateway py-n1 and subscribers to py-n2, so every digest
crosses the overlay between two gateway processes.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster

import hearsay

EVENT = "testing.v1.Event"


def collect(sub: Any, run: str, n: int, timeout_s: float = 20) -> list[hearsay.DigestDelivery]:
    """The next n digest deliveries of this run (others' digests and gaps fail the test)."""
    got: list[hearsay.DigestDelivery] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < n:
        d = sub.get(timeout=max(0.01, deadline - time.monotonic()))
        assert d is not None, f"subscription ended after {len(got)} of {n}"
        assert d.kind == "digest", f"unexpected gap: {d}"
        if getattr(d.message, "run", run) == run:
            got.append(d)
    return got


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_register_publish_subscribe_across_gateways(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    with (
        hearsay.connect(address(cluster[0], transport), transport=transport) as pub,  # type: ignore[arg-type]
        hearsay.connect(address(cluster[1], transport), transport=transport) as sub_client,  # type: ignore[arg-type]
    ):
        t = pub.register_type(Event, description="python sdk tests")
        assert t.name == EVENT and t.version >= 1 and len(t.fingerprint) == 64
        again = pub.register_type(Event, description="python sdk tests")
        assert not again.created and again.fingerprint == t.fingerprint
        with sub_client.subscribe([Event], include_json=True) as sub:
            assert sub.wait_started(timeout=15)
            before_ms = time.time() * 1000
            first = pub.publish(Event(run=run_id, seq=1, text="one", meta={"who": "py"}), headers={"k": "v"})
            batch = pub.publish_batch([Event(run=run_id, seq=s, text="batched") for s in (2, 3, 4)])
            with pub.publisher(max_batch=2, linger_ms=2) as p:
                futures = [p.publish(Event(run=run_id, seq=s, text="streamed")) for s in range(5, 11)]
            ids = [first.id] + [r.id for r in batch] + [f.result(timeout=10).id for f in futures]
            got = collect(sub, run_id, 10)
    assert [d.message.seq for d in got] == list(range(1, 11))
    assert [d.id for d in got] == ids
    d = got[0]
    assert d.type == EVENT and d.origin == cluster[0].name == first.origin
    assert d.id == f"{d.origin}:{d.epoch}:{d.sequence}" and d.sequence == first.sequence
    assert d.epoch > 0 and d.stream_sequence > 0
    assert abs(d.publish_time_ms - before_ms) < 60_000
    assert d.headers == {"k": "v"}
    assert d.payload == Event(run=run_id, seq=1, text="one", meta={"who": "py"}).SerializeToString()
    assert d.message.meta.who == "py" and d.decode_error is None
    # The gateway rendered JSON with the imported Meta type: the dependencies were sent.
    assert json.loads(d.json)["meta"] == {"who": "py"}
    # Cursors speak (epoch, stream sequence) per (origin, type).
    last = got[-1]
    assert [(p.epoch, p.sequence) for p in last.cursor.positions if p.type == EVENT] == [
        (last.epoch, last.stream_sequence)
    ]
    seqs = [x.sequence for x in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == 10
    # Stream sequences are gapless per (origin, epoch, type).
    assert {x.epoch for x in got} == {d.epoch}
    assert [x.stream_sequence for x in got] == list(range(d.stream_sequence, d.stream_sequence + 10))


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_thrift_struct_types_register_publish_and_decode(
    cluster: Cluster, Quote: type, messages: dict[str, Any], run_id: str, transport: str
) -> None:
    Money = messages["shared"].Money
    with (
        hearsay.connect(address(cluster[0], transport), transport=transport) as pub,  # type: ignore[arg-type]
        hearsay.connect(address(cluster[1], transport), transport=transport) as sub_client,  # type: ignore[arg-type]
    ):
        t = pub.register_type(Quote)
        assert t.name == "testing_thrift.quote.Quote" and t.type.format == hearsay.SchemaFormat.THRIFT_IDL
        with sub_client.subscribe(Quote, include_json=True) as sub:
            sub.wait_started(timeout=15)
            q = Quote(
                run=run_id,
                seq=7,
                symbol="HSY",
                price=Money(units=42, currency="EUR"),
                venues=["a", "b"],
                sizes={"x": 3},
                side=2,
                raw=b"\x00\xff",
            )
            pub.publish(q)
            (d,) = collect(sub, run_id, 1)
    assert d.message == q and d.type == t.name
    assert json.loads(d.json)["price"]["currency"] == "EUR"


def test_register_type_from_files_follows_imports_and_binds_the_class(
    cluster: Cluster, Event: type, Quote: type, run_id: str
) -> None:
    from conftest import SCHEMAS

    with hearsay.connect(cluster[0].grpc) as c:
        t = c.register_type_from_file(
            SCHEMAS / "proto" / "testing" / "v1" / "event.proto", EVENT, include_paths=[SCHEMAS / "proto"]
        )
        assert t.name == EVENT  # same schema as the class's descriptor set: accepted
        q = c.register_type_from_file(SCHEMAS / "thrift" / "quote.thrift", "quote.Quote", message_class=Quote)
        assert q.name == "quote.Quote" and q.type.format == hearsay.SchemaFormat.THRIFT_IDL
        with c.subscribe("quote.Quote") as sub:  # by name: decoded with the bound class
            sub.wait_started(timeout=15)
            res = c.publish(Quote(run=run_id, seq=1, symbol="X"))
            (d,) = collect(sub, run_id, 1)
    assert d.type == "quote.Quote" and d.id == res.id and d.message.symbol == "X"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_by_name_with_payload_bytes_and_json_bodies(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        with c.subscribe(EVENT) as sub:  # by name, class known from register_type
            sub.wait_started(timeout=15)
            c.publish(EVENT, Event(run=run_id, seq=1).SerializeToString())
            c.publish(EVENT, json={"run": run_id, "seq": "2", "text": "from json"})
            c.publish(EVENT, json=json.dumps({"run": run_id, "seq": 3}))
            got = collect(sub, run_id, 3)
    assert [d.message.seq for d in got] == [1, 2, 3] and got[1].message.text == "from json"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_resume_from_a_stored_cursor_continues_right_after_it(
    cluster: Cluster, Event: type, run_id: str, transport: str
) -> None:
    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        with c.subscribe(Event) as sub:
            sub.wait_started(timeout=15)
            c.publish_batch([Event(run=run_id, seq=s) for s in range(1, 4)])
            got = collect(sub, run_id, 2)
            stored = sub.cursor.to_json()  # after the 2nd delivery
        assert sub.cursor == got[1].cursor
        c.publish_batch([Event(run=run_id, seq=s) for s in range(4, 6)])
        with c.subscribe(Event, resume_from=hearsay.Cursor.from_json(stored)) as again:
            rest = collect(again, run_id, 3)
    assert [d.message.seq for d in rest] == [3, 4, 5]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_earliest_gets_what_the_gateway_holds(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        c.publish_batch([Event(run=run_id, seq=s) for s in range(1, 4)])
        with c.subscribe(Event, start="earliest") as sub:
            got = collect(sub, run_id, 3)
    assert [d.message.seq for d in got] == [1, 2, 3]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_callback_form_runs_on_a_background_thread(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    got: list[int] = []
    threads: set[str] = set()
    done = threading.Event()

    def on_delivery(d: hearsay.Delivery) -> None:
        if d.kind == "digest" and d.message.run == run_id:
            got.append(d.message.seq)
            threads.add(threading.current_thread().name)
            if len(got) == 3:
                done.set()

    with hearsay.connect(address(cluster[1], transport), transport=transport) as c:  # type: ignore[arg-type]
        c.register_type(Event)
        with c.subscribe_in_background([Event], on_delivery) as bg:
            bg.wait_started(timeout=15)
            c.publish_batch([Event(run=run_id, seq=s) for s in (1, 2, 3)])
            assert done.wait(20), f"callback saw {got}"
        assert not bg.alive and bg.error is None
    assert got == [1, 2, 3] and threads == {"hearsay-callback"}


def test_a_failing_callback_ends_the_subscription_and_reports(cluster: Cluster, Event: type, run_id: str) -> None:
    errors: list[BaseException] = []
    reported = threading.Event()

    def boom(d: hearsay.Delivery) -> None:
        raise ValueError("application bug")

    def on_error(e: BaseException) -> None:
        errors.append(e)
        reported.set()

    with hearsay.connect(cluster[1].grpc) as c:
        c.register_type(Event)
        bg = c.subscribe_in_background(Event, boom, on_error=on_error)
        bg.wait_started(timeout=15)
        c.publish(Event(run=run_id, seq=1))
        assert reported.wait(20)
        bg.join(5)
    assert isinstance(errors[0], ValueError) and bg.error is errors[0] and not bg.alive


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_closing_the_client_ends_iteration_cleanly(cluster: Cluster, Event: type, transport: str) -> None:
    c = hearsay.connect(address(cluster[1], transport), transport=transport)  # type: ignore[arg-type]
    c.register_type(Event)
    sub = c.subscribe(Event)
    sub.wait_started(timeout=15)
    ended = threading.Event()

    def consume() -> None:
        for _ in sub:
            pass
        ended.set()

    threading.Thread(target=consume, daemon=True).start()
    time.sleep(0.2)
    c.close()
    assert ended.wait(10) and sub.closed
    assert sub.get(timeout=1) is None


def test_a_refused_subscription_raises_from_the_iteration(cluster: Cluster) -> None:
    with hearsay.connect(cluster[1].grpc) as c:
        sub = c.subscribe("no.such.Type")
        with pytest.raises(hearsay.NotFound) as raised:
            sub.wait_started(timeout=15)
        assert "no.such.Type" in raised.value.message
        with pytest.raises(hearsay.NotFound):
            next(iter(sub))


def test_undecodable_payloads_are_delivered_with_their_error(cluster: Cluster, Event: type, run_id: str) -> None:
    # Registered without payload checks, so the gateway passes garbage through.
    name = f"testing.v1.Raw{abs(hash(run_id)) % 10**8}"
    source = f'syntax = "proto3"; package testing.v1; message {name.rsplit(".", 1)[1]} {{ string a = 1; }}'
    with hearsay.connect(cluster[1].grpc) as c:
        c.register_type_from_source(name, source, "proto", skip_payload_validation=True, message_class=Event)
        with c.subscribe(name) as sub:
            sub.wait_started(timeout=15)
            c.publish(name, b"\xff\xff\xff")
            d = sub.get(timeout=20)
    assert d is not None and d.kind == "digest" and d.payload == b"\xff\xff\xff"
    assert d.message is None and d.decode_error is not None

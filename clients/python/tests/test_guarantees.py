"""Issue #15's two failures, as a new user hits them with real gateway processes on loopback.

Three gateways n0, n1, n2 of their own overlay, none with a data dir (what a container
without a persistent volume runs):

- n0 is SIGKILLed and started again with the same name and an empty log: a subscriber at
  n1 still gets everything n0 publishes after the restart (a new epoch), nothing twice,
  no gap notice, and the gateways say in their log what happened;
- a late subscriber at n2, a gateway that never wanted the type, gets the retained
  history with start="earliest" (fetched from the origin or a peer), then the caught-up
  marker, then live digests;
- a cursor at stream sequence 0 of a stream of three digests (its origin's 197th to
  199th of all types) gets exactly those three, no gap notice overstating a loss.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TRANSPORTS, address, wait_alive, wait_for
from gateways import Cluster, Gateway

import hearsay

NAMES = {"n0", "n1", "n2"}
#: Same field numbers as testing.v1.Event (run = 1, seq = 2), so its class encodes and decodes them.
SOURCE = 'syntax = "proto3"; package {pkg}; message {msg} {{ string run = 1; uint64 seq = 2; }}'
#: The bus's warning when an origin shows up with a new epoch (src/bus/bus.ts noteEpoch).
NEW_EPOCH_LOG = "origin started a new log epoch"


@pytest.fixture(scope="module")
def trio() -> Iterator[Cluster]:
    """n0, n1, n2 without data dirs: a restart of one starts its log afresh."""
    c = Cluster([Gateway(n) for n in ("n0", "n1", "n2")])
    try:
        c.start()
        for g in c.gateways:
            wait_alive(g, NAMES)
        yield c
    finally:
        c.stop()


def register(client: hearsay.Client, name: str) -> str:
    pkg, msg = name.rsplit(".", 1)
    client.register_type_from_source(name, SOURCE.format(pkg=pkg, msg=msg), "proto")
    return name


def known(client: hearsay.Client, name: str) -> bool:
    try:
        client.get_type(name)
        return True
    except hearsay.NotFound:
        return False


def payloads(Event: type, name: str, run: str, seqs: range) -> list[tuple[str, bytes]]:  # noqa: N803 - a class
    return [(name, Event(run=run, seq=s).SerializeToString()) for s in seqs]


def read(sub: hearsay.Subscription, Event: type, run: str, n: int, timeout_s: float) -> list[Any]:  # noqa: N803
    """The next `n` digests of this run (an unexpected gap notice or marker fails the test)."""
    got: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while len(got) < n:
        left = deadline - time.monotonic()
        assert left > 0, f"got {len(got)} of {n} digests in {timeout_s} s (last: {got[-1:]})"
        try:
            d = sub.get(timeout=left)
        except TimeoutError:
            continue
        assert d is not None, "the subscription ended"
        assert d.kind == "digest", f"unexpected {d!r} after {len(got)} digest(s)"
        if Event.FromString(d.payload).run == run:
            got.append(d)
    return got


def seqs(Event: type, ds: list[Any]) -> list[int]:  # noqa: N803
    return [Event.FromString(d.payload).seq for d in ds]


def until_caught_up(sub: hearsay.Subscription, timeout_s: float) -> tuple[list[Any], Any]:
    """Everything before the caught-up marker, and the marker (subscribed with include_caught_up)."""
    backlog: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no caught-up marker within {timeout_s} s ({len(backlog)} deliveries before it)"
        d = sub.get(timeout=left)
        assert d is not None, "the subscription ended"
        if d.kind == "caught_up":
            return backlog, d
        backlog.append(d)


def quiet(sub: hearsay.Subscription, seconds: float) -> list[Any]:
    """Whatever arrives within `seconds` (nothing, when all is well)."""
    extra: list[Any] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            d = sub.get(timeout=left)
        except TimeoutError:
            break
        if d is None:
            break
        extra.append(d)
    return extra


def logged(gw: Gateway, text: str) -> list[dict[str, Any]]:
    out = []
    for line in list(gw.log):
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if text in str(event.get("msg", "")):
            out.append(event)
    return out


def test_a_gateway_restarted_without_its_data_dir_is_heard(trio: Cluster, Event: type, run_id: str) -> None:  # noqa: N803
    n0, n1 = trio[0], trio[1]
    with hearsay.connect(n1.grpc) as sc:
        name = register(sc, "guarantees.v1.Restarted")
        with sc.subscribe(name, reconnect=True) as sub:
            sub.wait_caught_up(15)
            with hearsay.connect(n0.grpc) as pub:
                first = pub.publish_batch(payloads(Event, name, run_id, range(1, 201)))
            before = read(sub, Event, run_id, 200, 60)
            assert seqs(Event, before) == list(range(1, 201))
            old_epoch = before[0].epoch
            assert {d.epoch for d in before} == {old_epoch} and [d.id for d in before] == [r.id for r in first]
            assert [d.stream_sequence for d in before] == list(range(1, 201))

            n0.stop(signal.SIGKILL)
            n0.start(join=n1.gossip)  # same name and ports, no data dir: an empty log
            for g in trio.gateways:
                wait_alive(g, NAMES)
            with hearsay.connect(n0.grpc) as pub:
                # Its registry comes back from its peers (replicated a moment after the join).
                wait_for(lambda: known(pub, name), 30, f"the restarted n0 to know {name}")
                after_sent = pub.publish_batch(payloads(Event, name, run_id, range(201, 251)))
            assert {r.epoch for r in after_sent} != {old_epoch}

            after = read(sub, Event, run_id, 50, 60)
            assert seqs(Event, after) == list(range(201, 251))
            assert {d.epoch for d in after} == {after_sent[0].epoch} and after[0].epoch > old_epoch
            assert [d.stream_sequence for d in after] == list(range(1, 51))
            assert [d.id for d in after] == [r.id for r in after_sent]
            late = quiet(sub, 2)
            assert late == [], f"after the 250: {late}"
    # n1 (which held n0's old epoch) says in its log that n0 started a new one.
    warned = wait_for(lambda: logged(n1, NEW_EPOCH_LOG), 10, f"n1's log to say {NEW_EPOCH_LOG!r}")
    assert any(w.get("origin") == "n0" and w.get("epoch") == after[0].epoch for w in warned), warned


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_late_subscriber_at_another_gateway_gets_the_history(
    trio: Cluster,
    Event: type,  # noqa: N803
    run_id: str,
    transport: str,
) -> None:
    n0, n1, n2 = trio[0], trio[1], trio[2]
    with hearsay.connect(n1.grpc) as sc, hearsay.connect(n0.grpc) as pub:
        name = register(sc, f"guarantees.v1.Late{transport.capitalize()}")
        with sc.subscribe(name) as held:  # n1 wants the type: it retains the 200 too
            held.wait_caught_up(15)
            sent = pub.publish_batch(payloads(Event, name, run_id, range(1, 201)))
            assert seqs(Event, read(held, Event, run_id, 200, 60)) == list(range(1, 201))

        # n2 never wanted the type: it holds none of it.
        with hearsay.connect(address(n2, transport), transport=transport) as late:  # type: ignore[arg-type]
            with late.subscribe(name, start="earliest", include_caught_up=True) as sub:
                backlog, mark = until_caught_up(sub, 60)
                assert [d.kind for d in backlog] == ["digest"] * len(backlog), [
                    d for d in backlog if d.kind != "digest"
                ]
                assert seqs(Event, backlog) == list(range(1, 201))
                assert [d.id for d in backlog] == [r.id for r in sent]
                assert mark.backlog_digests == 200 and mark.cursor == backlog[-1].cursor
                assert sub.caught_up
                live = pub.publish(name, Event(run=run_id, seq=201).SerializeToString())
                (d,) = read(sub, Event, run_id, 1, 30)
                assert d.id == live.id and d.stream_sequence == 201


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_cursor_at_the_start_of_a_short_stream_gets_it_all_and_no_gap(
    trio: Cluster,
    Event: type,  # noqa: N803
    run_id: str,
    transport: str,
) -> None:
    n1, n2 = trio[1], trio[2]
    with hearsay.connect(n1.grpc) as pub:
        other = register(pub, f"guarantees.v1.Noise{transport.capitalize()}")
        name = register(pub, "ops.v1.Event" if transport == "grpc" else "ops.v1.EventOverThrift")
        pub.publish_batch(payloads(Event, other, run_id, range(1, 197)))
        sent = pub.publish_batch(payloads(Event, name, run_id, range(1, 4)))
    # Three digests: stream sequences 1-3, whatever their place in n1's sequence of all types.
    assert [r.stream_sequence for r in sent] == [1, 2, 3]
    assert all(r.sequence > 196 for r in sent)
    cursor = hearsay.Cursor((hearsay.CursorPosition("n1", name, 0, 0),))
    with hearsay.connect(address(n2, transport), transport=transport) as sc:  # type: ignore[arg-type]
        with sc.subscribe(name, resume_from=cursor, include_caught_up=True) as sub:
            backlog, mark = until_caught_up(sub, 60)
            assert [d.kind for d in backlog] == ["digest"] * 3, backlog
            assert [d.id for d in backlog] == [r.id for r in sent]
            assert [d.stream_sequence for d in backlog] == [1, 2, 3]
            assert mark.backlog_digests == 3
            assert quiet(sub, 1.5) == []


def test_a_second_late_subscriber_gets_what_was_published_since_the_first(
    trio: Cluster,
    Event: type,  # noqa: N803
    run_id: str,
) -> None:
    """The gateway held the stream for an earlier subscriber, then nobody there wanted it:
    its copy is stale, and the next start="earliest" subscriber must not be told it has
    caught up before what the origin published meanwhile."""
    n0, n2 = trio[0], trio[2]
    with hearsay.connect(n2.grpc) as pub, hearsay.connect(n0.grpc) as sc:
        name = register(pub, "guarantees.v1.Again")
        first = pub.publish_batch(payloads(Event, name, run_id, range(1, 4)))
        with sc.subscribe(name, start="earliest", include_caught_up=True) as sub:
            backlog, _ = until_caught_up(sub, 30)
            assert [d.id for d in backlog] == [r.id for r in first]
        time.sleep(1)  # n0 no longer wants the type: nothing of it is pushed there
        more = pub.publish_batch(payloads(Event, name, run_id, range(4, 7)))
        with sc.subscribe(name, start="earliest", include_caught_up=True) as sub:
            backlog, _ = until_caught_up(sub, 30)
            assert [d.id for d in backlog] == [r.id for r in first + more], "caught up before the origin's head"

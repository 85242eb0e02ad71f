"""A subscription survives its gateway going away and coming back: no loss, no duplicate.

The subscriber's gateway is really stopped (SIGTERM, or SIGKILL) and started
again on the same ports with the same data dir; meanwhile the publisher keeps
publishing at the other gateway. The SDK reconnects with backoff and resumes
from its cursor; the restarted gateway fetches what it missed from its peer.
"""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest
from conftest import address, wait_alive, wait_for
from gateways import Cluster

import hearsay


def receive_until(sub: Any, run: str, last_seq: int, timeout_s: float) -> list[int]:
    """Every seq of this run received until `last_seq` arrives (gaps fail the test)."""
    seqs: list[int] = []
    deadline = time.monotonic() + timeout_s
    while not seqs or seqs[-1] != last_seq:
        left = deadline - time.monotonic()
        assert left > 0, f"only got {seqs[-5:]} (of {len(seqs)}) before the deadline"
        try:
            d = sub.get(timeout=left)
        except TimeoutError:
            continue
        assert d is not None, "subscription ended"
        assert d.kind == "digest", f"unexpected gap notice: {d}"
        if d.message.run == run:
            seqs.append(d.message.seq)
    return seqs


@pytest.mark.parametrize(
    ("transport", "sig"),
    [("grpc", signal.SIGTERM), ("thrift", signal.SIGTERM), ("grpc", signal.SIGKILL)],
    ids=["grpc-sigterm", "thrift-sigterm", "grpc-sigkill"],
)
def test_subscriber_gateway_restart_loses_nothing_and_repeats_nothing(
    pair: Cluster, Event: type, run_id: str, transport: str, sig: int
) -> None:
    a, b = pair[0], pair[1]
    retries: list[hearsay.HearsayError] = []
    fast = hearsay.ReconnectOptions(initial_delay_ms=100, max_delay_ms=1_000)
    with (
        hearsay.connect(a.grpc) as pub,
        hearsay.connect(address(b, transport), transport=transport, call_timeout_ms=3_000) as sc,  # type: ignore[arg-type]
    ):
        pub.register_type(Event)
        sub = sc.subscribe(Event, reconnect=fast, on_retry=lambda e, n, d: retries.append(e))
        sub.wait_started(timeout=15)

        pub.publish_batch([Event(run=run_id, seq=s) for s in range(1, 21)])
        first = receive_until(sub, run_id, 20, 20)

        b.stop(sig)
        pub.publish_batch([Event(run=run_id, seq=s) for s in range(21, 61)])  # while b is down
        time.sleep(0.5)
        b.start(join=a.gossip)
        wait_alive(a, {"py-ra", "py-rb"})
        pub.publish_batch([Event(run=run_id, seq=s) for s in range(61, 81)])
        rest = receive_until(sub, run_id, 80, 60)
        sub.close()
    assert first + rest == list(range(1, 81))
    assert retries, "the subscription never noticed the gateway going away"
    assert all(hearsay.is_retryable(e) for e in retries)


def test_without_reconnect_the_first_failure_ends_the_subscription(pair: Cluster, Event: type) -> None:
    a, b = pair[0], pair[1]
    with hearsay.connect(b.grpc, call_timeout_ms=3_000) as sc:
        sc.register_type(Event)
        sub = sc.subscribe(Event, reconnect=False)
        sub.wait_started(timeout=15)
        b.stop()
        try:
            with pytest.raises(hearsay.HearsayError) as raised:
                while sub.get(timeout=20) is not None:
                    pass
            assert hearsay.is_retryable(raised.value)
        finally:
            b.start(join=a.gossip)
            wait_alive(a, {"py-ra", "py-rb"})


def test_a_hung_gateway_is_detected_by_silence_and_the_stream_resumed(pair: Cluster, Event: type, run_id: str) -> None:
    """No keep-alive for 3 periods + 5 s: the SDK reopens the stream (here: once the gateway thaws)."""
    a, b = pair[0], pair[1]
    retries: list[hearsay.HearsayError] = []
    fast = hearsay.ReconnectOptions(initial_delay_ms=100, max_delay_ms=500)
    with hearsay.connect(a.grpc) as pub, hearsay.connect(b.grpc, call_timeout_ms=2_000) as sc:
        pub.register_type(Event)
        sub = sc.subscribe(Event, keepalive_ms=1_000, reconnect=fast, on_retry=lambda e, n, d: retries.append(e))
        sub.wait_started(timeout=15)
        pub.publish_batch([Event(run=run_id, seq=s) for s in range(1, 6)])
        first = receive_until(sub, run_id, 5, 20)
        b.freeze()
        try:
            pub.publish_batch([Event(run=run_id, seq=s) for s in range(6, 11)])
            wait_for(lambda: any("no message from the gateway" in e.message for e in retries), 30, "the idle watchdog")
        finally:
            b.thaw()
        pub.publish_batch([Event(run=run_id, seq=s) for s in range(11, 16)])
        rest = receive_until(sub, run_id, 15, 60)
        sub.close()
    assert first + rest == list(range(1, 16))

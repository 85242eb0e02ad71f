"""The batching publisher against real gateways: order, acknowledgements, backpressure."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import TRANSPORTS, address
from gateways import Cluster

import hearsay

N = 3_000


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_many_digests_keep_publish_order_end_to_end(cluster: Cluster, Event: type, run_id: str, transport: str) -> None:
    done: list[hearsay.PublishFuture] = []
    with (
        hearsay.connect(address(cluster[0], transport), transport=transport) as pub,  # type: ignore[arg-type]
        hearsay.connect(cluster[1].grpc) as sc,
    ):
        pub.register_type(Event)
        with sc.subscribe(Event, max_queued=N) as sub:
            sub.wait_started(timeout=15)
            with pub.publisher(max_batch=100, linger_ms=1, max_stream_digests=500) as p:
                futures = [p.publish(Event(run=run_id, seq=s)) for s in range(N)]
                futures[-1].add_done_callback(done.append)
            sequences = [f.result(timeout=30).sequence for f in futures]
            assert p.pending_count == 0 and done == [futures[-1]]
            seqs: list[int] = []
            deadline = time.monotonic() + 60
            while len(seqs) < N and time.monotonic() < deadline:
                d = sub.get(timeout=max(0.01, deadline - time.monotonic()))
                assert d is not None and d.kind == "digest", d
                if d.message.run == run_id:
                    seqs.append(d.message.seq)
    assert sequences == sorted(sequences) and len(set(sequences)) == N
    assert seqs == list(range(N))


def test_max_pending_pushes_back(cluster: Cluster, Event: type, run_id: str) -> None:
    with hearsay.connect(cluster[0].grpc) as c:
        c.register_type(Event)
        # A long linger holds the first batch back, so the pending count stays at the cap.
        p = c.publisher(max_pending=5, linger_ms=1_500, max_batch=1_000)
        first = [p.publish(Event(run=run_id, seq=s)) for s in range(5)]
        with pytest.raises(hearsay.ResourceExhausted, match="max_pending"):
            p.publish(Event(run=run_id, seq=5), block=False)
        with pytest.raises(hearsay.ResourceExhausted):
            p.publish(Event(run=run_id, seq=5), timeout=0.1)
        t0 = time.monotonic()
        late = p.publish(Event(run=run_id, seq=5), timeout=20)  # waits for the first batch's acknowledgement
        assert time.monotonic() - t0 > 0.5
        assert all(f.done() for f in first)
        results = p.close(timeout=20)
    assert results == [late.result()]
    assert late.result().sequence > max(f.result().sequence for f in first)


def test_publishing_from_many_threads(cluster: Cluster, Event: type, run_id: str) -> None:
    with hearsay.connect(cluster[0].grpc) as c:
        c.register_type(Event)
        with c.publisher(max_batch=64, linger_ms=2) as p:
            futures: list[hearsay.PublishFuture] = []
            lock = threading.Lock()

            def worker(k: int) -> None:
                for i in range(200):
                    f = p.publish(Event(run=run_id, seq=k * 1000 + i))
                    with lock:
                        futures.append(f)

            threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        ids = {f.result(timeout=30).id for f in futures}
    assert len(futures) == 800 and len(ids) == 800

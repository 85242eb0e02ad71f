"""One benchmark case through the Python SDK: flat-out throughput, then paced latency."""

from __future__ import annotations

import resource
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from agents import Agent

import hearsay


@dataclass
class Receiver:
    """Counts this run's deliveries on a thread of its own and records two latencies per digest:
    gateway accept -> delivery (publish_time_ms in the delivery) and SDK publish call -> delivery
    (the send time the publisher stamped in the payload), both against this machine's clock."""

    sub: hearsay.Subscription
    run: int
    received: int = 0
    gaps: int = 0
    first_ns: int = 0
    last_ns: int = 0
    accept_ms: list[float] = field(default_factory=list)
    e2e_ms: list[float] = field(default_factory=list)
    record: bool = False
    thread: threading.Thread | None = None

    def start(self) -> Receiver:
        self.thread = threading.Thread(target=self._loop, name="bench-receiver", daemon=True)
        self.thread.start()
        return self

    def _loop(self) -> None:
        for d in self.sub:
            if d.kind == "gap":
                self.gaps += 1
                continue
            m = d.message
            if m.run != self.run:
                continue
            now_ns = time.time_ns()
            if self.received == 0:
                self.first_ns = now_ns
            self.received += 1
            self.last_ns = now_ns
            if self.record:
                self.accept_ms.append(now_ns / 1e6 - d.publish_time_ms)
                self.e2e_ms.append((now_ns - m.sent_ns) / 1e6)

    def wait(self, target: int, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self.received < target and time.monotonic() < deadline:
            time.sleep(0.002)
        return self.received >= target


def percentile(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@dataclass
class CaseResult:
    transport: str
    count: int
    throughput: float
    publish_rate: float
    complete: bool
    gaps: int
    bench_cpu_pct: float
    gateway_cpu_pct: list[float]
    rate: int
    accept_p50: float
    accept_p99: float
    e2e_p50: float
    e2e_p99: float
    e2e_max: float
    latency_samples: int


def run_case(transport: str, g1: Agent, g2: Agent, blob: Any, opts: Any, run_base: int) -> CaseResult:
    pub_addr = g1.grpc if transport == "grpc" else g1.thrift
    sub_addr = g2.grpc if transport == "grpc" else g2.thrift
    pad = b"x" * max(0, opts.payload - 11)  # fixed64 sent_ns (9 B) + run (2 B) + data: ~payload bytes
    with (
        hearsay.connect(pub_addr, transport=transport, call_timeout_ms=30_000) as pub,
        hearsay.connect(sub_addr, transport=transport, call_timeout_ms=30_000) as sc,
    ):
        pub.register_type(blob)
        sub = sc.subscribe(blob, max_queued=65_536)
        sub.wait_started(timeout=30)
        rx = Receiver(sub, run_base + 1).start()

        # (a) throughput: a bounded count, flat out, or max_seconds, whichever first.
        c0, g0 = cpu_s(), [a.cpu_s() for a in (g1, g2)]
        t0 = time.time_ns()
        sent = 0
        with pub.publisher(max_batch=1024, linger_ms=2) as p:
            stop_at = time.monotonic() + opts.max_seconds
            while sent < opts.count and time.monotonic() < stop_at:
                p.publish(blob(run=run_base + 1, sent_ns=time.time_ns(), data=pad))
                sent += 1
        t_pub = time.time_ns()
        complete = rx.wait(sent, 60)
        wall = max(1e-9, (rx.last_ns - t0) / 1e9)
        bench_cpu = (cpu_s() - c0) / wall * 100
        gw_cpu = [(a.cpu_s() - b) / wall * 100 for a, b in zip((g1, g2), g0, strict=True)]
        throughput = rx.received / wall
        publish_rate = sent / max(1e-9, (t_pub - t0) / 1e9)
        sub.close()

        # (b) latency at a fixed paced rate.
        sub2 = sc.subscribe(blob, max_queued=65_536)
        sub2.wait_started(timeout=30)
        rx2 = Receiver(sub2, run_base + 2, record=True).start()
        total = opts.rate * opts.latency_s
        with pub.publisher(max_batch=1024, linger_ms=1) as p:
            start = time.monotonic()
            for i in range(total):
                due = start + i / opts.rate
                delay = due - time.monotonic()
                if delay > 0.0005:
                    time.sleep(delay)
                p.publish(blob(run=run_base + 2, sent_ns=time.time_ns(), data=pad))
        rx2.wait(total, 60)
        sub2.close()
    return CaseResult(
        transport=transport,
        count=sent,
        throughput=throughput,
        publish_rate=publish_rate,
        complete=complete and rx.received == sent,
        gaps=rx.gaps + rx2.gaps,
        bench_cpu_pct=bench_cpu,
        gateway_cpu_pct=gw_cpu,
        rate=opts.rate,
        accept_p50=percentile(rx2.accept_ms, 50),
        accept_p99=percentile(rx2.accept_ms, 99),
        e2e_p50=percentile(rx2.e2e_ms, 50),
        e2e_p99=percentile(rx2.e2e_ms, 99),
        e2e_max=max(rx2.e2e_ms, default=float("nan")),
        latency_samples=len(rx2.e2e_ms),
    )


def mean(xs: list[float]) -> float:
    return statistics.fmean(xs) if xs else float("nan")

"""Python SDK benchmark (issue #6): publish at gateway 1 -> subscribe at gateway 2, 256-byte digests.

Two real `hearsay agent` processes on loopback; this process publishes through
the SDK's batching publisher at gateway 1 and subscribes at gateway 2, over
gRPC and over Thrift. Per transport: (a) flat-out throughput for --count
digests or --max-seconds, whichever first; (b) p50/p99 latency at --rate
digests/s for --latency-s seconds. The TypeScript SDK's own benchmark
(bench/sdk-typescript) runs in the same invocation as the anchor.

    clients/python/.venv/bin/python bench/sdk-python/bench.py [--help]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from agents import start_agent, stop_all  # noqa: E402
from machine import describe  # noqa: E402
from runs import CaseResult, run_case  # noqa: E402

import hearsay  # noqa: E402


def blob_class() -> type:
    """bench.python.Blob {uint32 run = 1; fixed64 sent_ns = 2; bytes data = 3;}, built at run time."""
    f = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(
        name="bench/python/blob.proto",
        package="bench.python",
        syntax="proto3",
        message_type=[
            descriptor_pb2.DescriptorProto(
                name="Blob",
                field=[
                    f(name="run", number=1, type=f.TYPE_UINT32, label=f.LABEL_OPTIONAL),
                    f(name="sent_ns", number=2, type=f.TYPE_FIXED64, label=f.LABEL_OPTIONAL),
                    f(name="data", number=3, type=f.TYPE_BYTES, label=f.LABEL_OPTIONAL),
                ],
            )
        ],
    )
    pool = descriptor_pool.Default()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("bench.python.Blob"))


def anchor(opts: argparse.Namespace) -> tuple[str, str]:
    """The TypeScript SDK benchmark's gRPC PublishStream row, measured now: (throughput, p50/p99 text)."""
    main = ROOT / "dist" / "bench" / "sdk-typescript" / "main.js"
    if not main.is_file():
        return "not built (npm run build)", "-"
    out = HERE / ".anchor.md"
    cmd = [
        "node",
        str(main),
        "--count",
        str(opts.count),
        "--unary-count",
        "500",
        "--payload",
        str(opts.payload),
        "--rate",
        str(opts.rate),
        "--latency-s",
        str(opts.latency_s),
        "--markdown",
        str(out),
    ]
    try:
        subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
        row = next(x for x in out.read_text().splitlines() if x.startswith("| gRPC, PublishStream"))
    except (subprocess.SubprocessError, StopIteration, OSError) as e:
        return f"failed: {e}"[:80], "-"
    finally:
        out.unlink(missing_ok=True)
    cells = [c.strip() for c in row.strip("|").split("|")]
    return cells[1], f"{cells[3]} / {cells[4]}"


def fmt(x: float, digits: int = 1) -> str:
    return "-" if x != x else f"{x:,.{digits}f}"


def table(
    machine: dict[str, str],
    results: list[CaseResult],
    ts: tuple[str, str] | None,
    opts: argparse.Namespace,
    gateway_version: str,
) -> str:
    lines = [
        f"### Python SDK: publish at gateway 1 -> subscribe at gateway 2 ({opts.payload}-byte payloads)",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}, {machine['os']}; "
        f"Python {machine['python']}, {machine['versions']}; gateway hearsay {gateway_version} "
        f"({machine['commit']}); {machine['date']}; load {machine['load']} at start.",
        "Two `hearsay agent` processes (profile local) on loopback; one Python process runs publisher "
        "(`client.publisher()`, batches of up to 1,024, linger 2 ms / 1 ms paced) and subscriber "
        "(`client.subscribe(Blob)`, decoding every message) on two threads.",
        "",
        f"| SDK, transport | throughput (digests/s) | publish calls/s | all delivered | p50 / p99 latency at "
        f"{opts.rate}/s, publish call -> delivery (ms) | max (ms) | p50 / p99 gateway accept -> delivery (ms) | "
        f"gaps | bench CPU (% of a core) | gateway CPU g1 / g2 (%) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| Python, {'gRPC' if r.transport == 'grpc' else 'Thrift'} | {fmt(r.throughput, 0)} | "
            f"{fmt(r.publish_rate, 0)} | {'yes' if r.complete else 'no'} ({r.count:,}) | "
            f"{fmt(r.e2e_p50, 2)} / {fmt(r.e2e_p99, 2)} | {fmt(r.e2e_max, 2)} | "
            f"{fmt(r.accept_p50, 1)} / {fmt(r.accept_p99, 1)} | {r.gaps} | {fmt(r.bench_cpu_pct, 0)} | "
            f"{' / '.join(fmt(c, 0) for c in r.gateway_cpu_pct)} |"
        )
    if ts is not None:
        lines.append(
            f"| TypeScript, gRPC PublishStream (anchor, same run) | {ts[0]} | - | - | {ts[1]} | - | - | - | - | - |"
        )
    lines += [
        "",
        "Throughput = digests delivered / time from the first publish to the last delivery. Latency: the send "
        "time the publisher stamped in each payload (and the gateway's publish_time_ms, 1 ms resolution) "
        "against the receiver's clock, same machine. Goal (issue #6): the SDK is not the bottleneck below "
        "20,000 digests/s.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--count", type=int, default=100_000, help="digests per throughput run (default 100000)")
    ap.add_argument("--max-seconds", type=float, default=20, help="throughput run publishes at most this long (20)")
    ap.add_argument("--rate", type=int, default=2_000, help="paced latency run, digests/s (default 2000)")
    ap.add_argument("--latency-s", type=int, default=10, help="paced latency run length, s (default 10)")
    ap.add_argument("--payload", type=int, default=256, help="payload bytes (default 256)")
    ap.add_argument("--transport", choices=["grpc", "thrift", "both"], default="both")
    ap.add_argument("--no-anchor", action="store_true", help="skip the TypeScript SDK anchor run")
    ap.add_argument("--markdown", type=Path, default=HERE / "RESULTS.md", help="also write the table here")
    opts = ap.parse_args(argv)
    if not (
        1 <= opts.count <= 10_000_000
        and 1 <= opts.rate <= 100_000
        and 1 <= opts.latency_s <= 600
        and 16 <= opts.payload <= 16_000
        and 0 < opts.max_seconds <= 600
    ):
        ap.error("--count 1..1e7, --rate 1..1e5, --latency-s 1..600, --payload 16..16000, --max-seconds 0..600")
    machine = describe(ROOT)
    blob = blob_class()
    agents = []
    results: list[CaseResult] = []
    try:
        agents.append(start_agent(ROOT, "bench-py-1", None))
        agents.append(start_agent(ROOT, "bench-py-2", agents[0].gossip))
        with hearsay.connect(agents[0].grpc) as c:
            gateway_version = c.info().version
            for _ in range(100):  # both members alive before measuring (bounded: 10 s)
                if len(c.members(statuses=[hearsay.MemberStatus.ALIVE])) == 2:
                    break
                __import__("time").sleep(0.1)
        transports = ["grpc", "thrift"] if opts.transport == "both" else [opts.transport]
        for i, t in enumerate(transports):
            print(f"bench: Python SDK over {t} ...", flush=True)
            results.append(run_case(t, agents[0], agents[1], blob, opts, run_base=10 * (i + 1)))
    finally:
        stop_all(agents)
    ts = None
    if not opts.no_anchor:
        print("bench: TypeScript SDK anchor (bench/sdk-typescript, gRPC PublishStream) ...", flush=True)
        ts = anchor(opts)
    md = table(machine, results, ts, opts, gateway_version)
    print(md)
    opts.markdown.write_text(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

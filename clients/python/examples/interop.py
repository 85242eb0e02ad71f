"""Cross-language interop script (clients/interop/interop.proto), Python side.

    interop.py publish   --agent HOST:PORT --transport grpc|thrift --run RUN --count N
    interop.py subscribe --agent HOST:PORT --transport grpc|thrift --run RUN --count N --timeout-ms MS

Both register hearsay.interop.v1.InteropRecord from the .proto file first.
publish sends records seq = 0..N-1 with every field derived from seq as the
.proto says, then prints {"event":"published","count":N}. subscribe starts
from "latest", prints {"event":"ready"} once the subscription is established,
one {"event":"record",...} line per record of the run, {"event":"gap",...}
per gap notice, and {"event":"done","received":N} after N records (exit 0);
on timeout {"event":"timeout",...} and exit 3. One JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import hearsay

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the samples' generated classes (scripts/gen/python.sh)
try:
    from _gen.interop_pb2 import InteropRecord
except ImportError:  # pragma: no cover - a checkout without generated code
    sys.exit("interop.py: the sample's generated classes are missing; run scripts/gen/python.sh (make gen) first")

PROTO = HERE.parents[1] / "interop" / "interop.proto"
TYPE = "hearsay.interop.v1.InteropRecord"
LANGUAGE = "python"
EXIT_TIMEOUT = 3


def say(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def record(run: str, seq: int) -> InteropRecord:
    """Record `seq` of a run: every field derived from seq as interop.proto's comments say."""
    return InteropRecord(
        run=run,
        language=LANGUAGE,
        seq=seq,
        text=f"héllo ✓ {seq}",
        blob=bytes([seq % 256, (seq * 7) % 256, 255]),
        value=seq * 0.5,
        attrs={"k": str(seq)},
    )


def publish(client: hearsay.Client, run: str, count: int) -> int:
    with client.publisher(max_batch=256) as pub:
        for seq in range(count):
            pub.publish(record(run, seq))
        pub.flush()
    say({"event": "published", "count": count})
    return 0


def subscribe(client: hearsay.Client, run: str, count: int, timeout_ms: int) -> int:
    deadline = time.monotonic() + timeout_ms / 1000
    received = 0
    with client.subscribe([InteropRecord], start="latest") as sub:
        sub.wait_started(timeout=max(0.1, deadline - time.monotonic()))
        say({"event": "ready"})
        while received < count:
            left = deadline - time.monotonic()
            try:
                d = sub.get(timeout=max(0.0, left)) if left > 0 else None
            except TimeoutError:
                d = None
            if d is None:
                say({"event": "timeout", "received": received, "expected": count})
                return EXIT_TIMEOUT
            if d.kind == "gap":
                say(
                    {
                        "event": "gap",
                        "reason": d.reason,
                        "message": d.message,
                        "ranges": [[r.origin, r.type, r.from_sequence, r.to_sequence] for r in d.ranges],
                    }
                )
                continue
            m = d.message
            if m is None or m.run != run:
                continue
            say(
                {
                    "event": "record",
                    "language": m.language,
                    "seq": m.seq,
                    "text": m.text,
                    "value": m.value,
                    "blob_hex": m.blob.hex(),
                    "attrs": dict(m.attrs),
                }
            )
            received += 1
    say({"event": "done", "received": received})
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Hearsay cross-language interop script (Python SDK)")
    p.add_argument("mode", choices=["publish", "subscribe"])
    p.add_argument("--agent", required=True, help="gateway address HOST:PORT (gRPC or Thrift port)")
    p.add_argument("--transport", choices=["grpc", "thrift"], default="grpc")
    p.add_argument("--run", required=True, help="run id; records of other runs are ignored")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout-ms", type=int, default=30_000)
    p.add_argument("--token", default=None)
    a = p.parse_args(argv)
    if a.count < 0 or a.timeout_ms <= 0:
        p.error("--count must be >= 0 and --timeout-ms > 0")
    try:
        with hearsay.connect(a.agent, transport=a.transport, token=a.token) as client:
            client.register_type_from_file(PROTO, TYPE, message_class=InteropRecord)
            if a.mode == "publish":
                return publish(client, a.run, a.count)
            return subscribe(client, a.run, a.count, a.timeout_ms)
    except hearsay.HearsayError as e:
        say({"event": "error", "code": e.code_name, "message": e.message})
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The pipeline demo's ingest (Python; demo/pipeline/README.md): publishes
hearsay.pipeline.v1.Record seq = 1..N while at least one "processor" is passing.

    clients/python/.venv/bin/python demo/pipeline/python/ingest.py \
        --agent HOST:PORT --name NAME --count N --rate R

--agent  the gateway's gRPC address (default 127.0.0.1:7400)
--name   this ingest's name, in its records and log lines (default i1)
--count  records to publish, N >= 0 (default 400)
--rate   records per second, > 0 (default 40)

Lines on stdout, one per event, each prefixed "ingest NAME: " (those marked *
are the ones the orchestrator relies on):

    status on 127.0.0.1:PORT                    its JSON status listener
    registered types Record, Processed, Committed from pipeline.proto
  * processor set -> [host:port, ...]           passing processors, sorted; on every change
    waiting for processor                       at start, while there is none yet
    processor available; starting               the first time one appears
  * no processor; pausing                       the set became empty: publishing stops,
                                                the "ingest" service is deregistered
  * processor available; resuming               non-empty again: re-registered, publishing
                                                continues from the next unpublished seq
    registered service ingest (ID) on 127.0.0.1:PORT / deregistered service ingest (ID)
  * ingested SEQ                                seq 1 and every 50th
  * done N                                      all N published; keeps running until SIGTERM
    gateway unreachable (...); retrying / gateway reachable again
    warning: gateway G numbered seq S G:1 after G:151 (...)   its origin sequence went back
    stopping / stopped                          SIGTERM or SIGINT: deregisters, exits 0
    fatal: ...                                  unexpected error: exits 1

The seq counter only advances when the gateway has acknowledged a publish, so
a pause or a failed publish never skips a seq; a publish that failed without
an answer (timeout) is sent again, which may repeat that one record downstream
(the consumer dedups by seq). The processor set is learnt by listing passing
"processor" instances every 300 ms (the brief allows it; unlike a watch it
also notices a set that became empty while the gateway was unreachable).
The message class is built at start from pipeline.proto with grpc_tools'
protoc (a descriptor set in a temporary directory, then dynamic classes):
nothing is generated into the tree.

Self-check against real gateways, by hand: demo/pipeline/python/selfcheck.py.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

try:
    import hearsay
except ImportError:  # not installed in this interpreter: use the checkout's SDK sources
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "clients" / "python" / "src"))
    import hearsay

from google.protobuf import descriptor_pb2, message_factory

ROLE = "ingest"
DEPENDENCY = "processor"
PROTO = Path(__file__).resolve().parents[1] / "pipeline.proto"
PACKAGE = "hearsay.pipeline.v1"
TYPES = ("Record", "Processed", "Committed")
RECORD = f"{PACKAGE}.Record"

POLL_S = 0.3  # processor set listing period
CALL_TIMEOUT_MS = 5_000  # every gateway call
SERVICE_TTL_MS = 3_000
STARTUP_TIMEOUT_S = 30.0  # gateway must answer the first registration within this
MAX_OUTAGE_S = 60.0  # gateway unreachable this long in a row: give up
PROGRESS_EVERY = 50
RETRYABLE = (hearsay.Unavailable, hearsay.DeadlineExceeded, hearsay.ResourceExhausted)


class Fatal(Exception):
    """An unexpected condition: reported on one line, exit 1."""


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ingest.py", description="pipeline demo ingest: publishes Record 1..N")
    p.add_argument("--agent", default="127.0.0.1:7400", help="gateway gRPC address host:port")
    p.add_argument("--name", default="i1", help="this ingest's name")
    p.add_argument("--count", type=int, default=400, help="records to publish (>= 0)")
    p.add_argument("--rate", type=float, default=40.0, help="records per second (> 0)")
    a = p.parse_args(argv)
    if a.count < 0:
        p.error("--count: a whole number >= 0")
    if not (a.rate > 0 and a.rate < float("inf")):
        p.error("--rate: a number > 0")
    if not a.name or any(c.isspace() for c in a.name):
        p.error("--name: a non-empty name without spaces")
    host, _, port = a.agent.rpartition(":")
    if not host or not port.isdigit():
        p.error("--agent: HOST:PORT")
    return a


def load_record_class() -> type:
    """The Record message class, compiled from pipeline.proto at run time (nothing written to the tree)."""
    import grpc_tools  # type: ignore[import-untyped]  # grpcio-tools, in the SDK's venv
    from grpc_tools import protoc

    well_known = Path(grpc_tools.__file__).parent / "_proto"  # google/protobuf/*.proto, should the file import them
    with tempfile.TemporaryDirectory(prefix="hearsay-ingest-") as tmp:
        out = os.path.join(tmp, "pipeline.pb")
        args = ["protoc", f"-I{PROTO.parent}"]
        if well_known.is_dir():
            args.append(f"-I{well_known}")
        args += ["--include_imports", f"--descriptor_set_out={out}", PROTO.name]
        if protoc.main(args) != 0:
            raise Fatal(f"protoc could not compile {PROTO}")
        fds = descriptor_pb2.FileDescriptorSet.FromString(Path(out).read_bytes())
    classes: dict[str, Any] = message_factory.GetMessages(list(fds.file))
    if RECORD not in classes:
        raise Fatal(f"{PROTO} does not define {RECORD}")
    return classes[RECORD]  # type: ignore[no-any-return]


def hostport(s: hearsay.Service) -> str:
    return f"[{s.address}]:{s.port}" if ":" in s.address else f"{s.address}:{s.port}"


class StatusServer:
    """127.0.0.1:0; answers each connection with one JSON line of state(), then closes."""

    def __init__(self, state: Any) -> None:
        self._state = state
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.5)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-status", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                conn.settimeout(2.0)
                conn.sendall((json.dumps(self._state(), separators=(",", ":")) + "\n").encode())
            except OSError:
                pass
            finally:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes accept()
        except OSError:
            pass
        self._sock.close()
        self._thread.join(2.0)


class Ingest:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.name: str = args.name
        self.count: int = args.count
        self.interval = 1.0 / args.rate
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.next_seq = 1  # the next seq to publish; only advances on an acknowledged publish
        self.processors: list[str] | None = None  # None until the first successful listing
        self.active = False  # a processor is present and we are registered (publishing unless done)
        self.ever_active = False
        self.service_id: str | None = None
        self.last_result: hearsay.PublishResult | None = None
        self.not_found = 0  # publishes refused in a row because the type is unknown
        self.next_due = 0.0
        self.unreachable_since: float | None = None
        self.client = hearsay.connect(args.agent, call_timeout_ms=CALL_TIMEOUT_MS)
        self.status: StatusServer | None = None

    # -- output -------------------------------------------------------------------

    def say(self, text: str) -> None:
        sys.stdout.write(f"{ROLE} {self.name}: {text}\n")
        sys.stdout.flush()

    def state(self) -> dict[str, Any]:
        with self.lock:
            done = self.next_seq > self.count
            return {
                "role": ROLE,
                "name": self.name,
                "state": "done" if done else ("publishing" if self.active else "paused"),
                "published": self.next_seq - 1,
                "next_seq": None if done else self.next_seq,
                "count": self.count,
                "rate": self.args.rate,
                "processors": self.processors or [],
                "registered": self.service_id is not None,
                "service_id": self.service_id,
                "agent": self.args.agent,
                "gateway_reachable": self.unreachable_since is None,
            }

    # -- gateway reachability -----------------------------------------------------------

    def unreachable(self, what: str, err: hearsay.HearsayError) -> None:
        now = time.monotonic()
        if self.unreachable_since is None:
            self.unreachable_since = now
            self.say(f"gateway unreachable ({what}: {err.code_name} {err.message}); retrying")
        elif now - self.unreachable_since > MAX_OUTAGE_S:
            raise Fatal(f"gateway {self.args.agent} unreachable for over {MAX_OUTAGE_S:.0f} s ({what}: {err})")

    def reachable(self) -> None:
        if self.unreachable_since is not None:
            self.unreachable_since = None
            self.say("gateway reachable again")

    # -- startup ----------------------------------------------------------------------

    def register_types(self, message_class: type) -> None:
        for t in TYPES:
            name = f"{PACKAGE}.{t}"
            self.client.register_type_from_file(PROTO, name, message_class=message_class if name == RECORD else None)

    def start(self) -> type:
        record_class = load_record_class()
        self.status = StatusServer(self.state)
        self.say(f"status on 127.0.0.1:{self.status.port}")
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                self.register_types(record_class)
                break
            except RETRYABLE as e:
                if time.monotonic() > deadline:
                    raise Fatal(f"gateway {self.args.agent} did not answer within {STARTUP_TIMEOUT_S:.0f} s: {e}")
                if self.stop.wait(0.5):
                    return record_class
        self.say(f"registered types {', '.join(TYPES)} from {PROTO.name}")
        return record_class

    # -- the dependency ------------------------------------------------------------------

    def poll(self) -> None:
        try:
            found = self.client.services(DEPENDENCY, passing_only=True)
        except RETRYABLE as e:
            self.unreachable(f"listing {DEPENDENCY}", e)
            return
        self.reachable()
        current = sorted({hostport(s) for s in found if s.health == hearsay.ServiceHealth.PASSING})
        if current != self.processors:
            first = self.processors is None
            with self.lock:
                self.processors = current
            self.say(f"{DEPENDENCY} set -> [{', '.join(current)}]")
            if first and not current:
                self.say(f"waiting for {DEPENDENCY}")
        if current and not self.active:
            self.resume()
        elif not current and self.active:
            self.pause()

    def resume(self) -> None:
        self.register()
        if self.service_id is None:
            return  # could not register (gateway unreachable): try again at the next poll
        with self.lock:
            self.active = True
        self.next_due = time.monotonic()
        self.say(f"{DEPENDENCY} available; {'resuming' if self.ever_active else 'starting'}")
        self.ever_active = True

    def pause(self) -> None:
        with self.lock:
            self.active = False
        self.say(f"no {DEPENDENCY}; pausing")
        # The SDK's keeper waits for a TTL refresh in flight before it deregisters, so
        # one deregistration is the last word.
        self.deregister()

    # -- own service ---------------------------------------------------------------------

    def register(self) -> None:
        assert self.status is not None
        try:
            svc = self.client.register_service(
                ROLE, self.status.port, address="127.0.0.1", tags={"role": ROLE}, ttl_ms=SERVICE_TTL_MS
            )
        except RETRYABLE as e:
            self.unreachable(f"registering {ROLE}", e)
            return
        self.reachable()
        with self.lock:
            self.service_id = svc.id
        self.say(f"registered service {ROLE} ({svc.id}) on 127.0.0.1:{self.status.port}")

    def deregister(self) -> None:
        sid = self.service_id
        if sid is None:
            return
        try:
            self.client.deregister_service(ROLE, sid)
        except RETRYABLE as e:
            self.unreachable(f"deregistering {ROLE}", e)
            return  # the keeper has forgotten it: its TTL lapses if the call never arrived
        self.reachable()
        with self.lock:
            self.service_id = None
        self.say(f"deregistered service {ROLE} ({sid})")

    # -- publishing -----------------------------------------------------------------------

    def publish_one(self, record_class: type) -> bool:
        """Publishes next_seq; True when acknowledged (and next_seq advanced)."""
        seq = self.next_seq
        msg = record_class(seq=seq, body=f"record {seq}", ingest=self.name)
        try:
            result = self.client.publish(msg)
        except RETRYABLE as e:
            self.unreachable(f"publishing seq {seq}", e)
            return False
        except hearsay.NotFound as e:
            # The gateway lost our types (restarted without its data): register them again.
            self.not_found += 1
            if self.not_found > 5:
                raise Fatal(f"publishing seq {seq}: {e.message} (even after registering the types again)") from e
            self.say(f"publishing seq {seq} refused ({e.message}); registering the types again")
            try:
                self.register_types(record_class)
            except RETRYABLE as e2:
                self.unreachable("registering the types", e2)
            return False
        self.reachable()
        self.not_found = 0
        last = self.last_result
        if last is not None and result.origin == last.origin and result.sequence <= last.sequence:
            # Not ours to fix, but worth saying: peers that hold the old numbers may take these for duplicates.
            self.say(
                f"warning: gateway {result.origin} numbered seq {seq} {result.id} after {last.id}"
                " (restarted without its data dir?); peers may drop digests they think they have"
            )
        self.last_result = result
        with self.lock:
            self.next_seq = seq + 1
        if seq == 1 or seq % PROGRESS_EVERY == 0:
            self.say(f"ingested {seq}")
        if seq == self.count:
            self.say(f"done {self.count}")
        return True

    def run(self) -> None:
        record_class = self.start()
        if self.count == 0:
            self.say("done 0")
        next_poll = time.monotonic()
        self.next_due = time.monotonic()
        failures = 0
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_poll:
                self.poll()
                next_poll = max(next_poll + POLL_S, time.monotonic())
                continue
            publishing = self.active and self.next_seq <= self.count
            if publishing and now >= self.next_due:
                if self.publish_one(record_class):
                    failures = 0
                    # Keep the rate; after a stall do not burst to catch up.
                    self.next_due = max(self.next_due + self.interval, time.monotonic() - self.interval)
                else:
                    failures += 1
                    self.next_due = time.monotonic() + min(2.0, 0.1 * 2 ** min(failures, 5))
                continue
            wake = min(next_poll, self.next_due) if publishing else next_poll
            self.stop.wait(max(0.0, wake - time.monotonic()))

    def shutdown(self) -> None:
        self.say("stopping")
        if self.service_id is not None:
            try:
                self.deregister()
            except Fatal:
                pass
        self.client.close()  # also deregisters anything the keeper still holds
        if self.status is not None:
            self.status.close()
        self.say("stopped")


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    ingest = Ingest(args)

    def on_signal(signum: int, _frame: object) -> None:
        ingest.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        ingest.run()
    except Exception as e:  # noqa: BLE001 - every failure ends here: one clear line, exit 1
        if isinstance(e, Fatal):
            why = str(e)
        elif isinstance(e, hearsay.HearsayError):
            why = f"the gateway refused a call: {e.code_name} {e.message}"
        else:
            why = f"{type(e).__name__}: {e}"
        ingest.say(f"fatal: {why}")
        print(f"ingest {args.name}: fatal: {why}", file=sys.stderr)
        if not isinstance(e, (Fatal, hearsay.HearsayError)):
            import traceback

            traceback.print_exc()
        ingest.client.close()  # bounded: call timeouts; deregisters what the keeper holds
        return 1
    ingest.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

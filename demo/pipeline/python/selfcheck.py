"""Hand-run self-check of ingest.py against real gateways (not a pytest test).

    clients/python/.venv/bin/python demo/pipeline/python/selfcheck.py [--count 300] [--rate 20]

Run from anywhere after `npm run build`. It starts three gateways on loopback
(g1, g2, g3 in one overlay), the ingest at g1 (the same command the demo uses),
and a subscriber to Record at g2 (earliest), then plays the processor's part
with the CLI (`hearsay services register/deregister processor`) and checks:

  1. with no processor the ingest publishes nothing and has no "ingest" service;
  2. a processor registered at g2: it starts, registers "ingest" (127.0.0.1,
     its status port, tag role=ingest, TTL 3 s) and its status port answers JSON;
  3. the processor deregistered: it prints "no processor; pausing", stops
     publishing and deregisters "ingest"; re-registered: it resumes;
  4. the processor's gateway g3 SIGKILLed (a processor registered there only):
     the registration expires, the ingest pauses; a processor at g2: resumes;
  5. "done N"; the subscriber received every seq 1..N exactly once, in order,
     with body "record SEQ" and ingest NAME;
  6. SIGTERM: "ingest" deregistered, exit 0.

Every wait has a deadline; exit 0 = all checks passed. Gateways and the
ingest are stopped by their process ids at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
import hearsay
import ingest as ingest_mod  # the component under test, for its message class

INGEST_COMMAND = ["clients/python/.venv/bin/python", "demo/pipeline/python/ingest.py"]
NAME = "i1"


class Check(Exception):
    pass


def note(text: str) -> None:
    print(f"selfcheck: {text}", flush=True)


class Proc:
    """A child whose stdout lines are kept and can be awaited."""

    def __init__(self, label: str, cmd: list[str]) -> None:
        self.label = label
        self.p = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.stderr: list[str] = []
        self.eof = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.p.stderr or []), daemon=True).start()

    def _read(self) -> None:
        assert self.p.stdout is not None
        for line in self.p.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    @property
    def mark(self) -> int:
        with self.cond:
            return len(self.lines)

    def wait_for(self, pattern: str, timeout: float, start: int = 0) -> str:
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[start:]:
                    if rx.search(line):
                        return line
                left = end - time.monotonic()
                if left <= 0 or self.eof:
                    tail = "\n    ".join(self.lines[-15:] + self.stderr[-10:])
                    raise Check(f"{self.label}: no line matching /{pattern}/ within {timeout} s; last:\n    {tail}")
                self.cond.wait(min(left, 0.2))

    def lines_matching(self, pattern: str, start: int = 0) -> list[str]:
        rx = re.compile(pattern)
        with self.cond:
            return [line for line in self.lines[start:] if rx.search(line)]

    def stop(self, sig: int = signal.SIGTERM, grace: float = 5.0) -> int | None:
        if self.p.poll() is None:
            try:
                os.kill(self.p.pid, sig)
                return self.p.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait(5)
                return None
            except ProcessLookupError:
                pass
        return self.p.returncode


def gateway(label: str, join: str | None, procs: list[Proc]) -> dict[str, Any]:
    cmd = ["node", "bin/hearsay.js", "agent", "--name", label, "--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0"]
    cmd += ["--profile", "local"] + (["--join", join] if join else [])
    p = Proc(label, cmd)
    procs.append(p)
    ready = json.loads(p.wait_for(r'"msg":"ready"', 20))
    note(f"{label}: gossip {ready['gossip']}, gRPC {ready['grpc']}")
    return {"proc": p, "grpc": ready["grpc"], "gossip": ready["gossip"]}


def cli(*args: str) -> str:
    r = subprocess.run(
        ["node", "bin/hearsay.js", *args], check=False, cwd=ROOT, capture_output=True, text=True, timeout=20
    )
    if r.returncode != 0:
        raise Check(f"hearsay {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


def status(port: int) -> dict[str, Any]:
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.settimeout(3)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return json.loads(data)  # type: ignore[no-any-return]


def wait_until(what: str, cond: Any, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise Check(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--rate", type=float, default=20)
    a = ap.parse_args()
    n: int = a.count
    if n < 120:
        ap.error("--count: at least 120")
    procs: list[Proc] = []
    client: hearsay.Client | None = None
    sub: hearsay.Subscription | None = None
    try:
        g1 = gateway("g1", None, procs)
        g2 = gateway("g2", g1["gossip"], procs)
        g3 = gateway("g3", g1["gossip"], procs)

        ing = Proc(
            "ingest", INGEST_COMMAND + ["--agent", g1["grpc"], "--name", NAME, "--count", str(n), "--rate", str(a.rate)]
        )
        procs.append(ing)
        port = int(ing.wait_for(r"status on 127\.0\.0\.1:(\d+)", 30).rsplit(":", 1)[1])
        ing.wait_for(rf"^ingest {NAME}: waiting for processor$", 30)

        # A subscriber at another gateway, from the earliest retained Record.
        client = hearsay.connect(g2["grpc"])
        record_class = ingest_mod.load_record_class()
        client.register_type_from_file(ingest_mod.PROTO, ingest_mod.RECORD, message_class=record_class)
        sub = client.subscribe(ingest_mod.RECORD, start="earliest")
        sub.wait_started(10)
        got: queue.Queue[Any] = queue.Queue()
        received: list[Any] = []

        def pump() -> None:
            assert sub is not None
            for d in sub:
                got.put(d)

        threading.Thread(target=pump, daemon=True).start()

        def drain() -> None:
            while True:
                try:
                    d = got.get_nowait()
                except queue.Empty:
                    return
                if d.kind == "gap":
                    raise Check(f"subscriber got a gap notice: {d.message}")
                received.append(d.message)

        # 1. No processor: nothing published, no "ingest" service.
        time.sleep(1.5)
        drain()
        st = status(port)
        if received or st["published"] != 0 or st["state"] != "paused" or st["registered"]:
            raise Check(f"published without a processor: received {len(received)}, status {st}")
        if client.services("ingest"):
            raise Check("'ingest' registered while there is no processor")
        note("1 ok: no processor -> nothing published, no 'ingest' service")

        # 2. A processor at g2.
        cli("services", "register", "processor", "--port", "9", "--address", "127.0.0.1", "--agent", g2["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor set -> \[127\.0\.0\.1:9\]$", 10)
        ing.wait_for(rf"^ingest {NAME}: processor available; starting$", 10)
        ing.wait_for(rf"^ingest {NAME}: ingested 1$", 10)

        def ingest_instances() -> list[hearsay.Service]:
            assert client is not None
            return client.services("ingest", passing_only=True)

        wait_until("'ingest' to be passing at g2", lambda: len(ingest_instances()) == 1, 10)
        svc = ingest_instances()[0]
        if (svc.address, svc.port, svc.tags, svc.ttl_ms) != ("127.0.0.1", port, {"role": "ingest"}, 3000):
            raise Check(f"'ingest' registered as {svc}")
        st = status(port)
        if st["role"] != "ingest" or st["name"] != NAME or st["state"] != "publishing":
            raise Check(f"status: {st}")
        note(f"2 ok: processor at g2 -> publishing; 'ingest' {svc.id} at 127.0.0.1:{port}; status {st['state']}")

        # 3. Deregister the processor: pause; register again: resume.
        ing.wait_for(rf"^ingest {NAME}: ingested 50$", 30)
        mark = ing.mark
        cli("services", "deregister", "processor", "g2:processor:9", "--agent", g2["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor set -> \[\]$", 10, mark)
        ing.wait_for(rf"^ingest {NAME}: no processor; pausing$", 10, mark)
        ing.wait_for(rf"^ingest {NAME}: deregistered service ingest", 10, mark)
        paused_at = status(port)["published"]
        time.sleep(2.0)
        st = status(port)
        if st["published"] != paused_at or st["state"] != "paused" or st["registered"]:
            raise Check(f"kept publishing while paused: {paused_at} then {st}")
        wait_until("'ingest' to leave the catalog", lambda: not ingest_instances(), 10)
        drain()
        if not received or received[-1].seq != paused_at:
            raise Check(f"subscriber's last seq {received[-1].seq if received else None} != published {paused_at}")
        note(f"3a ok: processor deregistered -> paused after seq {paused_at}, 'ingest' deregistered")
        mark = ing.mark
        cli("services", "register", "processor", "--port", "9", "--address", "127.0.0.1", "--agent", g2["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor available; resuming$", 10, mark)
        wait_until("'ingest' back in the catalog", lambda: len(ingest_instances()) == 1, 10)
        note("3b ok: processor back -> resumed, 'ingest' registered again")

        # 4. Move the processor to g3 and kill g3: the registration expires with its node.
        cli("services", "register", "processor", "--port", "10", "--address", "127.0.0.1", "--agent", g3["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor set -> \[127\.0\.0\.1:10, 127\.0\.0\.1:9\]$", 10)
        cli("services", "deregister", "processor", "g2:processor:9", "--agent", g2["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor set -> \[127\.0\.0\.1:10\]$", 10)
        mark = ing.mark
        t0 = time.monotonic()
        g3["proc"].stop(signal.SIGKILL)
        ing.wait_for(rf"^ingest {NAME}: no processor; pausing$", 60, mark)
        took = time.monotonic() - t0
        paused_at = status(port)["published"]
        if paused_at >= n:
            raise Check(f"all {n} were published before the ingest paused: lower --rate or raise --count")
        time.sleep(1.0)
        if status(port)["published"] != paused_at:
            raise Check("kept publishing while paused after g3 died")
        note(f"4a ok: g3 killed -> its processor expired, ingest paused after {took:.1f} s at seq {paused_at}")
        mark = ing.mark
        cli("services", "register", "processor", "--port", "9", "--address", "127.0.0.1", "--agent", g2["grpc"])
        ing.wait_for(rf"^ingest {NAME}: processor available; resuming$", 10, mark)
        note("4b ok: processor at g2 -> resumed")

        # 5. Everything arrived once, in order.
        ing.wait_for(rf"^ingest {NAME}: done {n}$", n / a.rate + 60)

        def all_in() -> bool:
            drain()
            return len(received) >= n

        wait_until(f"{n} records at the subscriber", all_in, 30)
        time.sleep(1.0)
        drain()
        seqs = [m.seq for m in received]
        if seqs != list(range(1, n + 1)):
            dups = len(seqs) - len(set(seqs))
            missing = sorted(set(range(1, n + 1)) - set(seqs))
            raise Check(f"seqs not exactly 1..{n}: {len(seqs)} received, {dups} repeated, missing {missing[:20]}")
        bad = [m for m in received if m.body != f"record {m.seq}" or m.ingest != NAME]
        if bad:
            raise Check(f"wrong fields: {bad[:3]}")
        expected = {1, *range(50, n + 1, 50)}
        printed = {int(x.rsplit(" ", 1)[1]) for x in ing.lines_matching(rf"^ingest {NAME}: ingested \d+$")}
        if printed != expected:
            raise Check(f"'ingested' lines for {sorted(printed)}, expected {sorted(expected)}")
        if status(port)["state"] != "done":
            raise Check(f"status after done: {status(port)}")
        note(f"5 ok: done {n}; the subscriber at g2 got seq 1..{n} exactly once, in order")

        # 6. SIGTERM: deregisters, exit 0.
        if not ingest_instances():
            raise Check("'ingest' not registered after done")
        mark = ing.mark
        t0 = time.monotonic()
        rc = ing.stop(signal.SIGTERM, 5)
        took = time.monotonic() - t0
        if rc != 0:
            raise Check(f"ingest exited {rc} on SIGTERM; stderr: {''.join(ing.stderr[-10:])}")
        ing.wait_for(rf"^ingest {NAME}: deregistered service ingest", 1, mark)
        wait_until("'ingest' gone after SIGTERM", lambda: not client.services("ingest") if client else True, 5)
        note(f"6 ok: SIGTERM -> deregistered, exit 0 in {took:.2f} s")
        if ing.lines_matching("fatal|unreachable"):
            raise Check(f"unexpected lines: {ing.lines_matching('fatal|unreachable')}")
        note("OK: every check passed")
        return 0
    except Check as e:
        note(f"FAILED: {e}")
        return 1
    finally:
        if sub is not None:
            sub.close()
        if client is not None:
            client.close()
        for p in reversed(procs):
            p.stop(signal.SIGTERM, 5)
        if "ing" in locals():
            print("\n--- ingest output ---\n" + "\n".join(ing.lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())

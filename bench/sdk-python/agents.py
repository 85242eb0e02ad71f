"""Two real `hearsay agent` processes on loopback (gRPC + Thrift), joined; stopped in a finally."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

READY_TIMEOUT_S = 30


@dataclass
class Agent:
    name: str
    gossip: str
    grpc: str
    thrift: str
    proc: subprocess.Popen[str]

    def cpu_s(self) -> float:
        """User + system CPU seconds the process has used (from /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks (USER_HZ 100)
        except (OSError, IndexError, ValueError):
            return 0.0


def _pump(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


def start_agent(root: Path, name: str, join: str | None) -> Agent:
    # --initial-heap-size: the gateway's V8 flags (src/cli/node-flags.ts), as bin/hearsay.js passes them
    cmd = ["node", "--initial-heap-size=160", "bin/hearsay.js", "agent", "--name", name, "--profile", "local"]
    cmd += ["--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"]
    if join:
        cmd += ["--join", join]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            proc.kill()
            raise RuntimeError(f"{name}: not ready within {READY_TIMEOUT_S} s") from None
        if line is None:
            raise RuntimeError(f"{name}: exited ({proc.wait()}) before ready")
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if ev.get("msg") == "ready":
            return Agent(name, ev["gossip"], ev["grpc"], ev["thrift"], proc)


def stop_all(agents: list[Agent]) -> None:
    for a in agents:
        if a.proc.poll() is None:
            a.proc.send_signal(signal.SIGTERM)
    for a in agents:
        try:
            a.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            a.proc.kill()
            a.proc.wait(timeout=10)

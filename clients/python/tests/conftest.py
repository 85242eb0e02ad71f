"""A real gateway process for the live tests: `hearsay agent` on ephemeral loopback ports."""

from __future__ import annotations

import json
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from schema_files import REPO

#: Long enough for a cold Node start on a loaded 2-core machine.
READY_TIMEOUT_S = 30


@dataclass(frozen=True)
class Gateway:
    name: str
    grpc: str
    thrift: str


def _pump(stream: object, lines: queue.Queue[str | None]) -> None:
    # Keeps reading after "ready" so the gateway never blocks on a full pipe.
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


@pytest.fixture(scope="session")
def gateway() -> Iterator[Gateway]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the live tests need the TypeScript gateway")
    if not (REPO / "dist" / "src" / "cli" / "main.js").is_file():
        pytest.fail("the gateway is not built (dist/src/cli/main.js); run `make build-ts` (npm run build) first")
    name = "py-test"
    cmd = [node, str(REPO / "bin" / "hearsay.js"), "agent", "--name", name]
    cmd += ["--bind", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--thrift", "127.0.0.1:0"]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"gateway not ready within {READY_TIMEOUT_S} s; output:\n{''.join(seen)}")
            if line is None:
                pytest.fail(f"gateway exited ({proc.wait()}) before ready; output:\n{''.join(seen)}")
            seen.append(line)
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("msg") == "ready":
                break
        yield Gateway(name=name, grpc=event["grpc"], thrift=event["thrift"])
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

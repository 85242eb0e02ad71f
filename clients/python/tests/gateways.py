"""Real `hearsay agent` processes for the tests: start, stop, restart on the same ports, freeze."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

from schema_files import REPO

#: The checkout whose built gateway (bin/hearsay.js, dist/) the tests run: this repository,
#: unless HEARSAY_GATEWAY_DIR names another build (e.g. a stable one while dist/ is being rebuilt).
GATEWAY_DIR = Path(os.environ.get("HEARSAY_GATEWAY_DIR") or REPO)

#: Long enough for a cold Node start on a loaded 2-core machine.
READY_TIMEOUT_S = 45
STOP_TIMEOUT_S = 15


def _pump(stream: object, lines: queue.Queue[str | None], log: list[str]) -> None:
    # Keeps reading after "ready" so the gateway never blocks on a full pipe.
    for line in stream:  # type: ignore[attr-defined]
        log.append(line)
        lines.put(line)
    lines.put(None)


class Gateway:
    """One gateway process. Ports come from the OS on the first start and are kept
    for restarts, as is the data dir, so a restarted gateway is the same node."""

    def __init__(self, name: str, data_dir: Path | None = None, extra: list[str] | None = None) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed; the live tests need the TypeScript gateway")
        if not (GATEWAY_DIR / "dist" / "src" / "cli" / "main.js").is_file():
            raise RuntimeError("the gateway is not built (dist/src/cli/main.js); run `make build-ts` (npm run build)")
        self.node = node
        self.name = name
        self.data_dir = data_dir
        self.extra = list(extra or [])
        self.gossip = "127.0.0.1:0"
        self.grpc = "127.0.0.1:0"
        self.thrift = "127.0.0.1:0"
        self.proc: subprocess.Popen[str] | None = None
        self.log: list[str] = []

    def start(self, join: str | None = None) -> Gateway:
        cmd = [self.node, str(GATEWAY_DIR / "bin" / "hearsay.js"), "agent", "--name", self.name, "--profile", "local"]
        cmd += ["--bind", self.gossip, "--grpc", self.grpc, "--thrift", self.thrift]
        if self.data_dir is not None:
            cmd += ["--data-dir", str(self.data_dir)]
        if join:
            cmd += ["--join", join]
        cmd += self.extra
        self.proc = subprocess.Popen(cmd, cwd=GATEWAY_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(self.proc.stdout, lines, self.log), daemon=True).start()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(
                    f"gateway {self.name} not ready within {READY_TIMEOUT_S} s:\n{self.output()}"
                ) from None
            if line is None:
                raise RuntimeError(f"gateway {self.name} exited ({self.proc.wait()}) before ready:\n{self.output()}")
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("msg") == "ready":
                self.gossip, self.grpc = event["gossip"], event["grpc"]
                self.thrift = event.get("thrift") or self.thrift
                return self

    def output(self) -> str:
        return "".join(self.log[-60:])

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT_S)

    def freeze(self) -> None:
        """SIGSTOP: the process holds its sockets but answers nothing (a hung gateway)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


class Cluster:
    """Gateways on loopback, the first the seed the others join."""

    def __init__(self, gateways: list[Gateway]) -> None:
        self.gateways = gateways

    def __getitem__(self, i: int) -> Gateway:
        return self.gateways[i]

    def start(self) -> Cluster:
        try:
            self.gateways[0].start()
            for g in self.gateways[1:]:
                g.start(join=self.gateways[0].gossip)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for g in self.gateways:
            g.thaw() if g.running else None
            g.stop()

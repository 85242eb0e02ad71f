"""The machine and versions a figure was measured on, printed beside it."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "?"


def describe(root: Path) -> dict[str, str]:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]*)"?$', _read("/etc/os-release"), re.M)
    head = _git(root, "rev-parse", "--short", "HEAD")
    dirty = "+dirty" if _git(root, "status", "--porcelain") else ""
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "?",
        "cores": str(os.cpu_count() or "?"),
        "memory": f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB" if mem else "?",
        "os": f"{os_name.group(1) if os_name else platform.system()}, {platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "versions": f"hearsay SDK {_version('hearsay')}, grpcio {_version('grpcio')}, "
        f"protobuf {_version('protobuf')}, thrift {_version('thrift')}",
        "commit": f"{head}{dirty}" if head else "?",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load": f"{os.getloadavg()[0]:.2f}",
    }

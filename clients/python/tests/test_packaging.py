"""`pip install ./clients/python` builds a wheel holding everything a user needs.

(Installing it with its dependencies into a fresh venv needs PyPI; this checks
the offline part: the wheel's contents and metadata, and importing from it.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from schema_files import REPO

PKG = REPO / "clients" / "python"


def test_the_wheel_carries_the_stubs_types_and_dependencies(tmp_path: Path) -> None:
    try:
        build_wheel(tmp_path)
    finally:
        shutil.rmtree(PKG / "build", ignore_errors=True)  # setuptools builds in the tree (git-ignored)
    check_wheel(tmp_path)


def build_wheel(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(PKG),
        ],
        check=True,
        timeout=180,
        cwd=tmp_path,
    )


def check_wheel(tmp_path: Path) -> None:
    (wheel,) = tmp_path.glob("hearsay-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for must in (
        "hearsay/__init__.py",
        "hearsay/py.typed",
        "hearsay/aio/__init__.py",
        "hearsay/_gen/.schema-sha256",
        "hearsay/_gen/hearsay/v1/gateway_pb2.py",
        "hearsay/_gen/hearsay/v1/gateway_pb2.pyi",
        "hearsay/_gen/hearsay/v1/gateway_pb2_grpc.py",
        "hearsay/_gen/hearsay_thrift/Gateway.py",
    ):
        assert must in names, f"{must} missing from {wheel.name}"
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    for dep in ("grpcio", "protobuf", "thrift"):
        assert f"Requires-Dist: {dep}" in text
    assert "Requires-Python: >=3.11" in text

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=180,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import hearsay, hearsay.aio; print(hearsay.__file__); hearsay.connect('127.0.0.1:1')"],
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith(str(target))

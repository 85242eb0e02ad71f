"""Refuses to build a wheel without the generated stubs (they are not in git).

Everything else is declared in pyproject.toml. Editable installs skip the
check: scripts/bootstrap.d/python.sh installs the package before codegen runs.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

STAMP = Path(__file__).parent / "src" / "hearsay" / "_gen" / ".schema-sha256"


class BuildPyWithStubs(build_py):
    def run(self) -> None:
        if not getattr(self, "editable_mode", False) and not STAMP.is_file():
            raise SystemExit(
                "hearsay: generated stubs are missing (src/hearsay/_gen); "
                "run scripts/gen/python.sh (or `make gen`) from the repository first"
            )
        super().run()


setup(cmdclass={"build_py": BuildPyWithStubs})

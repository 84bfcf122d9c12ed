"""Shared paths and fixtures. The generated package is imported from generated/, as users vendor it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "chat_completions"
DATA = Path(__file__).resolve().parent / "data"  # what tests and benchmarks read (data/README.md)
SEED = DATA / "seed"
OPENAI_SPEC = DATA / "openai-openapi.yaml"
SPECS = Path(__file__).resolve().parent / "specs"  # small specs for single cases

# A test skipped for a missing file fails instead (tests/missing_files.py); pytester, to test that.
pytest_plugins = ["tests.missing_files", "pytester"]

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))


@contextmanager
def importable(folder: Path, package: str) -> Iterator[None]:
    """A package generated into `folder`, importable inside the block and forgotten after it (so
    that the next test's package of the same name is imported afresh)."""
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.partition(".")[0] == package]:
            del sys.modules[name]


def run_cli(
    *arguments: str | Path,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """`python -m generator ...` as a user runs it, from `cwd`, with this checkout importable."""
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        check=False,
    )

"""Shared paths and fixtures. The generated package is imported from generated/, as users vendor it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openapi.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "chat_completions"
SHARED = ROOT.parent / "shared"  # beside the clone, in CI as on a developer's machine
SEED = SHARED / "seed"
OPENAI_SPEC = SHARED / "specs" / "openai-openapi.yaml"
SPECS = Path(__file__).resolve().parent / "specs"  # small specs for single cases

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
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ must sit beside the repository)")
    return path


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

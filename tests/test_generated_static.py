"""The committed generated package passes ruff and mypy --strict, as a vendoring team would run them."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import GENERATED, PACKAGE, ROOT


def run_tool(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_ruff_passes() -> None:
    result = run_tool("ruff", "check", "--config", str(ROOT / "pyproject.toml"), PACKAGE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes() -> None:
    result = run_tool(
        "mypy", "--strict", "--no-incremental", "--python-version", "3.10", "-p", PACKAGE
    )
    assert result.returncode == 0, result.stdout + result.stderr
